import type { Attempt, ProviderRuntime } from '../../../core/plugin/types.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/** The least thinking budget the Messages API takes. */
const MIN_THINKING_BUDGET = 1024;

/**
 * A Messages body with `max_tokens` at most `limit`, or undefined when it is within it. A
 * thinking budget that no longer fits under it (the API wants `budget_tokens` below
 * `max_tokens`, Claude Code sends 31999 of 32000) becomes `limit - 1`; below the API's least
 * budget, thinking goes. A client asks for "up to" its max_tokens: a model routed in its place
 * that writes less cannot write more, and the API refuses the request instead ("max_tokens:
 * 32000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-…").
 */
export function withMaxTokensWithin(body: Json, limit: number): Json | undefined {
  const max = body.max_tokens;
  if (typeof max !== 'number' || max <= limit) return undefined;
  const out: Json = { ...body, max_tokens: limit };
  const thinking = body.thinking as Json | undefined;
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' && thinking.budget_tokens >= limit) {
    if (limit - 1 >= MIN_THINKING_BUDGET) out.thinking = { ...thinking, budget_tokens: limit - 1 };
    else delete out.thinking;
  }
  return out;
}

/**
 * Output limits upstreams stated in a refusal, per model: a coding agent asks for the same
 * max_tokens on every turn, so later turns are capped before they go, without the refused round
 * trip.
 */
const stated = new ProviderMemo<number>();

export function rememberOutputLimit(attempt: Attempt, limit: number): void {
  stated.set(attempt.provider, attempt.target.model, limit);
}

/** The model's output limit: its quirk (`max_output_tokens`, from the preset), or the one its upstream stated, the lower. */
export function knownOutputLimit(provider: ProviderRuntime, model: string): number | undefined {
  const quirk = outputTokenLimit(modelQuirks(provider, model));
  const said = stated.get(provider, model);
  return quirk === undefined ? said : said === undefined ? quirk : Math.min(quirk, said);
}
