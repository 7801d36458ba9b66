import * as v from 'valibot';

const Count = v.pipe(v.number(), v.integer(), v.minValue(1));
const Ms = v.pipe(v.number(), v.minValue(0));
const Ratio = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

/** The breaker's settings, normalized. */
export interface BreakerConfig {
  /** Consecutive failures that open a closed breaker. */
  failures: number;
  /** Window of the failure-rate rule. */
  windowMs: number;
  /** Failure share in the window that opens the breaker (with at least `minRequests`). */
  failureRate: number;
  minRequests: number;
  /** Open time after the n-th consecutive opening: `baseOpenMs × n`, at most `maxOpenMs`. */
  baseOpenMs: number;
  maxOpenMs: number;
  /** Open time varies by ± this fraction, so breakers opened together do not probe together. */
  jitter: number;
}

/**
 * Config of `circuit-breaker`. Keys may be written camelCase (`baseOpenMs`) or snake_case
 * (`base_open_ms`), as the rest of the YAML is; `reset_ms` is accepted for `baseOpenMs`.
 */
export const BreakerConfigSchema = v.pipe(
  v.object({
    failures: v.optional(Count),
    windowMs: v.optional(Ms),
    window_ms: v.optional(Ms),
    failureRate: v.optional(Ratio),
    failure_rate: v.optional(Ratio),
    minRequests: v.optional(Count),
    min_requests: v.optional(Count),
    baseOpenMs: v.optional(Ms),
    base_open_ms: v.optional(Ms),
    resetMs: v.optional(Ms),
    reset_ms: v.optional(Ms),
    maxOpenMs: v.optional(Ms),
    max_open_ms: v.optional(Ms),
    jitter: v.optional(Ratio),
  }),
  v.transform((c): BreakerConfig => {
    const baseOpenMs = c.baseOpenMs ?? c.base_open_ms ?? c.resetMs ?? c.reset_ms ?? 30_000;
    return {
      failures: c.failures ?? 5,
      windowMs: c.windowMs ?? c.window_ms ?? 60_000,
      failureRate: c.failureRate ?? c.failure_rate ?? 0.5,
      minRequests: c.minRequests ?? c.min_requests ?? 20,
      baseOpenMs,
      maxOpenMs: Math.max(baseOpenMs, c.maxOpenMs ?? c.max_open_ms ?? 300_000),
      jitter: c.jitter ?? 0.1,
    };
  }),
);
