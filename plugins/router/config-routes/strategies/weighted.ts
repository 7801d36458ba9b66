import type { Candidate, Strategy } from './strategy-types.ts';

/**
 * Weighted random order: the first is drawn with probability weight / total, the next from
 * the rest, and so on. Weights come from `options.weights` (by `provider/model`, `provider/*`,
 * provider name or account id) or the account's own `weight`. Weight 0 (or negative) goes last, in declared
 * order.
 */
export const weighted: Strategy = {
  name: 'weighted',
  order(candidates, ctx): Candidate[] {
    const pool = candidates.filter((c) => c.weight > 0);
    const zero = candidates.filter((c) => !(c.weight > 0));
    const out: Candidate[] = [];
    while (pool.length > 0) {
      const total = pool.reduce((s, c) => s + c.weight, 0);
      let r = ctx.random() * total;
      let i = 0;
      while (i < pool.length - 1 && r >= pool[i].weight) r -= pool[i++].weight;
      out.push(...pool.splice(i, 1));
    }
    return [...out, ...zero];
  },
};
