import type { Target } from '../../../../core/plugin/types.ts';

/**
 * One thing a strategy may put first: a combo target (`provider/model`) or one account of a
 * provider (`provider#account`).
 */
export interface Candidate {
  /** Stats key: `provider/model` for combo targets, `provider#account` for accounts. */
  key: string;
  target: Target;
  /** Relative weight for `weighted` (0 = only as a fallback). */
  weight: number;
  /** USD per 1M input + 1M output tokens; undefined when the pricing table does not know it. */
  price?: number;
}

/** What the router learned about targets from bus events; strategies only read it. */
export interface StatsView {
  /** Recent success rate in [0, 1]; 1 when nothing is known yet. */
  successRate(key: string): number;
  /** Latency EWMA in ms (time to the first content); undefined when unknown or stale. */
  latencyMs(key: string): number | undefined;
  /** Attempts in flight right now. */
  inflight(key: string): number;
  /** Requests sent in the sliding window (reserved at routing time, so bursts spread). */
  uses(key: string): number;
  /** False while a breaker is open/half-open or the account cools down or has failed. */
  healthy(target: Target): boolean;
}

/** Per-call input of a strategy. */
export interface StrategyContext {
  /** Where per-strategy state lives: `combo:<name>` or `accounts:<provider>`. */
  scope: string;
  /** The request being routed (round-robin counts its success). */
  requestId: string;
  /** `combos.<name>.options` or the provider's `account_options`. */
  options: Readonly<Record<string, unknown>>;
  stats: StatsView;
  /** Uniform in [0, 1); injectable for tests. */
  random(): number;
  /** What names the request's conversation (for `session`); computed on first call. */
  session?(): string | undefined;
}

/**
 * A routing strategy. `order` returns every candidate exactly once, best first: the first is
 * tried first and the rest are the fallback order. It never drops a candidate (guards skip
 * unavailable ones, and the last target is always tried).
 */
export interface Strategy {
  readonly name: string;
  order(candidates: readonly Candidate[], ctx: StrategyContext): Candidate[];
}
