import type { FinishReason } from '../../../core/types/hub.ts';

const FILTERED: ReadonlySet<string> = new Set([
  'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION', 'LANGUAGE', 'OTHER_BLOCK', 'JAILBREAK',
]);

/**
 * Gemini `finishReason` (or `promptFeedback.blockReason`) → hub finish reason. Gemini ends a
 * function-calling turn with STOP, so STOP with calls is `tool-calls`.
 *
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapGeminiFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  if (raw === 'STOP' || raw === undefined) return hasToolCalls ? 'tool-calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(raw)) return 'content-filter';
  if (raw === 'MALFORMED_FUNCTION_CALL' || raw === 'UNEXPECTED_TOOL_CALL' || raw === 'TOO_MANY_TOOL_CALLS') return 'error';
  return 'other';
}
