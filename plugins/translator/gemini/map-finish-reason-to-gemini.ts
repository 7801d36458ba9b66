import type { FinishReason } from '../../../core/types/hub.ts';

/** Finish reasons the Gemini API defines; a raw reason from a Gemini upstream is kept if it is one. */
const GEMINI_REASONS: ReadonlySet<string> = new Set([
  'STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'LANGUAGE', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII',
  'MALFORMED_FUNCTION_CALL', 'IMAGE_SAFETY', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT', 'NO_IMAGE', 'IMAGE_RECITATION', 'IMAGE_OTHER',
]);

/**
 * Hub finish reason → Gemini `finishReason`. Gemini ends a function-calling turn with STOP;
 * a raw reason that is already a Gemini value (the upstream was Gemini) wins, so SAFETY vs
 * RECITATION survives the round trip.
 *
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapFinishReasonToGemini(reason: FinishReason, raw?: string): string {
  if (raw !== undefined && GEMINI_REASONS.has(raw)) return raw;
  switch (reason) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    default:
      return 'OTHER';
  }
}
