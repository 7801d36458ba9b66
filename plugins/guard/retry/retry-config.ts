import * as v from 'valibot';

const Ms = v.pipe(v.number(), v.minValue(0));
const Ratio = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

export interface RetryConfig {
  /** Retries of the same target after the first try. */
  maxRetries: number;
  /** Backoff base and cap: the n-th retry waits a random time in [0, min(capMs, baseMs × 2^n)). */
  baseMs: number;
  capMs: number;
  /** The longest upstream wait hint honoured by sleeping; a longer one falls back instead. */
  maxRetryAfterMs: number;
  /** Requests retrying at once, as a share of requests in flight … */
  budgetRatio: number;
  /** … but at least this many. */
  budgetMin: number;
}

/** Config of `retry`. camelCase or snake_case keys. */
export const RetryConfigSchema = v.pipe(
  v.object({
    maxRetries: v.optional(Count),
    max_retries: v.optional(Count),
    baseMs: v.optional(Ms),
    base_ms: v.optional(Ms),
    capMs: v.optional(Ms),
    cap_ms: v.optional(Ms),
    maxRetryAfterMs: v.optional(Ms),
    max_retry_after_ms: v.optional(Ms),
    budgetRatio: v.optional(Ratio),
    budget_ratio: v.optional(Ratio),
    budgetMin: v.optional(Count),
    budget_min: v.optional(Count),
  }),
  v.transform((c): RetryConfig => ({
    maxRetries: c.maxRetries ?? c.max_retries ?? 1,
    baseMs: c.baseMs ?? c.base_ms ?? 200,
    capMs: c.capMs ?? c.cap_ms ?? 2000,
    maxRetryAfterMs: c.maxRetryAfterMs ?? c.max_retry_after_ms ?? 2000,
    budgetRatio: c.budgetRatio ?? c.budget_ratio ?? 0.2,
    budgetMin: c.budgetMin ?? c.budget_min ?? 1,
  })),
);
