import * as v from 'valibot';
import type { AccountRuntime } from '../../../core/plugin/types.ts';
import type { TargetLimits } from './target-limiter.ts';

const Ms = v.pipe(v.number(), v.minValue(0));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1));

const TargetLimitsSchema = v.object({
  rpm: v.optional(Count),
  min_gap_ms: v.optional(Ms),
  max_concurrent: v.optional(Count),
  /** Queue bound for this target when it is the plan's last (overrides the plugin's). */
  max_wait_ms: v.optional(Ms),
});

const ProviderLimitsSchema = v.object({
  ...TargetLimitsSchema.entries,
  /** Per-account overrides by account id (`key-1`, a label). */
  accounts: v.optional(v.record(v.string(), TargetLimitsSchema), {}),
});

/** The `rate-limit:` entry of `plugins:`. */
export const RateLimitConfigSchema = v.object({
  /** Limits per provider; they apply to each of its accounts separately. */
  providers: v.optional(v.record(v.string(), ProviderLimitsSchema), {}),
  /** How long a request may queue on the plan's last target before it gets 429. */
  max_wait_ms: v.optional(Ms, 2000),
  /** How long a request may queue on a target that has a fallback after it (0: fall back at once). */
  fallback_wait_ms: v.optional(Ms, 0),
  /** Defaults for client keys without their own `rpm` / `tpm`. */
  keys: v.optional(v.object({ rpm: v.optional(Count), tpm: v.optional(Count) }), {}),
});

export type RateLimitConfig = v.InferOutput<typeof RateLimitConfigSchema>;
type TargetLimitsInput = v.InferOutput<typeof TargetLimitsSchema>;

function fromConfig(l: TargetLimitsInput | undefined): TargetLimits {
  if (!l) return {};
  return { rpm: l.rpm, minGapMs: l.min_gap_ms, maxConcurrent: l.max_concurrent, maxWaitMs: l.max_wait_ms };
}

/** `limits:` of an account in the provider's YAML entry (`rpm`, `min_gap_ms`, `max_concurrent`). */
function fromAccount(a: AccountRuntime | undefined): TargetLimits {
  const l = a?.limits;
  if (!l) return {};
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);
  return { rpm: num(l.rpm), minGapMs: num(l.min_gap_ms), maxConcurrent: num(l.max_concurrent), maxWaitMs: num(l.max_wait_ms) };
}

function merge(...layers: TargetLimits[]): TargetLimits {
  const out: TargetLimits = {};
  for (const l of layers) {
    for (const [k, val] of Object.entries(l)) if (val !== undefined) (out as Record<string, number>)[k] = val;
  }
  return out;
}

/**
 * The limits of one provider account: the plugin's provider entry, then the account's own
 * `limits:` in the provider config, then the plugin's per-account override. Undefined when
 * nothing limits it (the request then passes without bookkeeping).
 */
export function resolveTargetLimits(cfg: RateLimitConfig, provider: string, account?: AccountRuntime): TargetLimits | undefined {
  const p = cfg.providers[provider];
  const limits = merge(fromConfig(p), fromAccount(account), fromConfig(account ? p?.accounts[account.id] : undefined));
  const active = limits.rpm !== undefined || limits.minGapMs !== undefined || limits.maxConcurrent !== undefined;
  return active ? limits : undefined;
}
