import type { Candidate, StatsView, Strategy } from './strategy-types.ts';

/** Latency assumed for a target with no recent sample: low, so it gets explored. */
const UNKNOWN_LATENCY_MS = 1;
/** A success rate below this counts as this, so a dead target's cost stays finite. */
const MIN_SUCCESS_RATE = 0.05;

/**
 * Expected cost of sending one more request to `c` (lower is better): latency EWMA times the
 * attempts already queued on it, divided by the recent success rate. An unhealthy target
 * (breaker open or half-open, account cooling or failed) costs infinity.
 */
export function p2cCost(c: Candidate, stats: StatsView): number {
  if (!stats.healthy(c.target)) return Number.POSITIVE_INFINITY;
  const latency = stats.latencyMs(c.key) ?? UNKNOWN_LATENCY_MS;
  return (latency * (stats.inflight(c.key) + 1)) / Math.max(stats.successRate(c.key), MIN_SUCCESS_RATE);
}

/**
 * Power of two choices: draw two distinct candidates at random and put the cheaper one first
 * (`p2cCost`); the others follow cheapest first. Two random draws instead of "always the best"
 * keep a herd of concurrent requests from all landing on the same target.
 */
export const p2c: Strategy = {
  name: 'p2c',
  order(candidates, ctx): Candidate[] {
    const n = candidates.length;
    if (n < 2) return [...candidates];
    const i = Math.floor(ctx.random() * n);
    let j = Math.floor(ctx.random() * (n - 1));
    if (j >= i) j++;
    const cost = new Map(candidates.map((c) => [c, p2cCost(c, ctx.stats)]));
    const [a, b] = i < j ? [candidates[i], candidates[j]] : [candidates[j], candidates[i]];
    const first = cost.get(b)! < cost.get(a)! ? b : a;
    const rest = candidates
      .map((c, k) => ({ c, k }))
      .filter((x) => x.c !== first)
      .sort((x, y) => cost.get(x.c)! - cost.get(y.c)! || x.k - y.k)
      .map((x) => x.c);
    return [first, ...rest];
  },
};
