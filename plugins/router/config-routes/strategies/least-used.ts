import type { Candidate, Strategy } from './strategy-types.ts';

/**
 * Fewest requests in the sliding window first (ties keep the declared order). Uses are
 * reserved when a plan is made, so a burst of concurrent requests spreads instead of piling
 * onto the one that looked idle.
 */
export const leastUsed: Strategy = {
  name: 'least-used',
  order(candidates, ctx): Candidate[] {
    return candidates
      .map((c, i) => ({ c, i, u: ctx.stats.uses(c.key) }))
      .sort((a, b) => a.u - b.u || a.i - b.i)
      .map((x) => x.c);
  },
};
