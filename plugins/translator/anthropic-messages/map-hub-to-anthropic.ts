import type { FinishReason, Usage } from '../../../core/types/hub.ts';

/** Anthropic stop reasons a client may receive. */
const STOP_REASONS: ReadonlySet<string> = new Set([
  'end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded',
]);

/**
 * Maps a hub finish reason to a Messages `stop_reason`. The provider's own reason wins when it
 * already is an Anthropic one (an Anthropic upstream's `pause_turn` survives the hub).
 *
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapStopReason(reason: FinishReason, raw?: string, stopSequence?: string): string {
  if (raw !== undefined && STOP_REASONS.has(raw)) return raw;
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return stopSequence ? 'stop_sequence' : 'end_turn';
  }
}

/** The Messages usage object. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Hub usage → Messages usage. The hub counts cached and cache-written tokens inside
 * `inputTokens`; Anthropic reports them beside `input_tokens`, so they are subtracted.
 */
export function toAnthropicUsage(usage: Usage | undefined): AnthropicUsage {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.outputTokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** Anthropic ids look like `msg_…`; ids from other providers get the prefix. */
export function toMessageId(id: string | undefined, fallback: string): string {
  const base = id && id.length > 0 ? id : fallback;
  return base.startsWith('msg_') ? base : `msg_${base.replace(/[^a-zA-Z0-9_-]/g, '')}`;
}

