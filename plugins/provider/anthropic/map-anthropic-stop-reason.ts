import type { FinishReason } from '../../../core/types/hub.ts';

/**
 * Maps a Messages `stop_reason` to the hub finish reason. The raw value is kept beside it
 * (`rawFinishReason`), so the Anthropic dialect can hand `pause_turn` back unchanged.
 *
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case null:
    case undefined:
      return 'stop';
    default:
      return 'other';
  }
}
