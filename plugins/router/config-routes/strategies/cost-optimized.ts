import type { Candidate, Strategy } from './strategy-types.ts';

/**
 * Cheapest first by input + output price per 1M tokens from the pricing table. Unknown prices
 * sort last; equal prices keep the declared order. Unhealthy targets are moved behind healthy
 * ones by the plan builder, so the cheapest *healthy* target goes first.
 */
export const costOptimized: Strategy = {
  name: 'cost-optimized',
  order(candidates): Candidate[] {
    return candidates
      .map((c, i) => ({ c, i, p: c.price ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.p - b.p || a.i - b.i)
      .map((x) => x.c);
  },
};
