import { formatCountdown } from '../../../core/util/time-windows.ts';
import type { QuotaAmounts } from './quota-config.ts';
import type { QuotaCounter } from './quota-counter.ts';

/** One line of `GET /api/quota`. Only the metrics the rule limits are listed. */
export interface QuotaLine {
  provider: string;
  account: string | null;
  window: string;
  limits: Partial<QuotaAmounts>;
  used: Partial<QuotaAmounts>;
  remaining: Partial<QuotaAmounts>;
  inFlight: number;
  exhausted: boolean;
  /** ISO time of the next reset (rolling: when the oldest counted usage leaves the window). */
  resetsAt: string | null;
  resetsInMs: number | null;
  /** `4h 12m`, for people. */
  resetsIn: string | null;
}

/** Describes one counter at `now`. */
export function quotaLine(c: QuotaCounter, provider: string, account: string | undefined, now: number): QuotaLine {
  const used = c.used(now);
  const limited = (Object.keys(c.rule.limits) as Array<keyof QuotaAmounts>);
  const pick = (f: (k: keyof QuotaAmounts) => number) => Object.fromEntries(limited.map((k) => [k, f(k)])) as Partial<QuotaAmounts>;
  const reset = c.resetsAt(now);
  return {
    provider,
    account: account ?? null,
    window: c.rule.describe,
    limits: { ...c.rule.limits },
    used: pick((k) => used[k]),
    remaining: pick((k) => Math.max(0, (c.rule.limits[k] ?? 0) - used[k] - (k === 'requests' ? c.inflight : 0))),
    inFlight: c.inflight,
    exhausted: c.exhausted(now) !== undefined,
    resetsAt: reset === undefined ? null : new Date(reset).toISOString(),
    resetsInMs: reset === undefined ? null : Math.max(0, reset - now),
    resetsIn: reset === undefined ? null : formatCountdown(reset - now),
  };
}
