import type { FinishReason, Usage } from '../../../core/types/hub.ts';
import { reportedCost } from '../../../core/util/reported-cost.ts';

type Json = Record<string, unknown>;

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/**
 * OpenAI `usage` → hub usage, where cached input is a subset of `prompt_tokens` and reasoning a
 * subset of `completion_tokens`, with the service tier the reply names (its `service_tier`,
 * beside `usage`: `default`, `flex`, `priority`), which prices it. Reads the detail objects of
 * the current API and the fields compatible servers put elsewhere: cache hits as DeepSeek's
 * `prompt_cache_hit_tokens` or Moonshot's top-level `cached_tokens`, cache writes as
 * OpenRouter's `prompt_tokens_details.cache_write_tokens`. xAI counts reasoning beside
 * `completion_tokens` (its `total_tokens` is prompt + completion + reasoning): there the
 * reasoning is added to the output. What the call cost, where the upstream says
 * (`reportedCost`), is kept. Returns undefined when the object has no token counts.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier
 * @see https://docs.x.ai/docs/key-information/consumption-and-rate-limits
 * @see https://platform.moonshot.ai/docs/api/chat
 * @see https://openrouter.ai/docs/use-cases/usage-accounting
 */
export function mapOpenAIUsage(raw: unknown, serviceTier?: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const input = num(u.prompt_tokens);
  const output = num(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const prompt = obj(u.prompt_tokens_details);
  const cached = num(prompt?.cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? num(u.cached_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const written = num(prompt?.cache_write_tokens);
  if (written !== undefined && written > 0) usage.cacheWriteTokens = written;
  const reasoning = num(obj(u.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) {
    usage.reasoningTokens = reasoning;
    const total = num(u.total_tokens);
    if (reasoning > 0 && total !== undefined && total === usage.inputTokens + usage.outputTokens + reasoning) usage.outputTokens += reasoning;
  }
  if (typeof serviceTier === 'string' && serviceTier) usage.serviceTier = serviceTier;
  const cost = reportedCost(u);
  if (cost !== undefined) usage.costUsd = cost;
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
