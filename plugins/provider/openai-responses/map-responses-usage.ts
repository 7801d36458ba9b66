import type { Usage } from '../../../core/types/hub.ts';
import { reportedCost } from '../../../core/util/reported-cost.ts';

/**
 * Responses `usage` → hub usage; undefined when the upstream sent none (or null).
 * Cached and reasoning tokens are subsets of input and output tokens, as in the hub. The
 * response's `service_tier` (beside `usage`: the tier that served it, which prices it) is kept,
 * and what the call cost where the upstream says (`reportedCost`: OpenRouter, xAI).
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-service_tier
 */
export function mapResponsesUsage(raw: unknown, serviceTier?: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Record<string, unknown>;
  if (typeof u.input_tokens !== 'number' && typeof u.output_tokens !== 'number') return undefined;
  const usage: Usage = { inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens) };
  const input = (u.input_tokens_details ?? {}) as Record<string, unknown>;
  const output = (u.output_tokens_details ?? {}) as Record<string, unknown>;
  if (typeof input.cached_tokens === 'number') usage.cachedInputTokens = input.cached_tokens;
  if (typeof input.cache_write_tokens === 'number' && input.cache_write_tokens > 0) usage.cacheWriteTokens = input.cache_write_tokens;
  if (typeof output.reasoning_tokens === 'number') usage.reasoningTokens = output.reasoning_tokens;
  if (typeof serviceTier === 'string' && serviceTier) usage.serviceTier = serviceTier;
  const cost = reportedCost(u);
  if (cost !== undefined) usage.costUsd = cost;
  return usage;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
