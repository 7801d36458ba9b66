import type { FinishReason } from '../../../core/types/hub.ts';

/** OpenAI `finish_reason` values a client may receive. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Hub finish reason → OpenAI `finish_reason`. `error` and `other` have no OpenAI value and
 * become `stop`, the value clients treat as a normal end.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
