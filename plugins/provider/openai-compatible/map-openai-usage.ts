import type { FinishReason, Usage } from '../../../core/types/hub.ts';

type Json = Record<string, unknown>;

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/**
 * OpenAI `usage` → hub usage. Reads the detail objects of the current API and DeepSeek's
 * `prompt_cache_hit_tokens`. Returns undefined when the object has no token counts.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function mapOpenAIUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const input = num(u.prompt_tokens);
  const output = num(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = num(obj(u.prompt_tokens_details)?.cached_tokens) ?? num(u.prompt_cache_hit_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const reasoning = num(obj(u.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

/**
 * OpenAI `finish_reason` → hub reason. A `stop` that ended a reply made of tool calls is
 * reported as `tool-calls` (several compatible servers send `stop` there, and clients run
 * their tool loop on `tool_calls`).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapOpenAIFinishReason(raw: string | null | undefined, hadToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'stop':
    case 'eos':
    case null:
    case undefined:
      return hadToolCalls ? 'tool-calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}
