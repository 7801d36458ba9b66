import { costOptimized } from './cost-optimized.ts';
import { fillFirst } from './fill-first.ts';
import { leastUsed } from './least-used.ts';
import { p2c } from './p2c.ts';
import { randomOrder } from './random.ts';
import { createRoundRobin } from './round-robin.ts';
import type { RotationBook } from './rotation-book.ts';
import { session } from './session.ts';
import type { Strategy } from './strategy-types.ts';
import { weighted } from './weighted.ts';
import { lookupTable } from '../../../../core/util/lookup-table.ts';

/** The strategy names a combo's `strategy` or a provider's `account_strategy` may use. */
export const STRATEGY_NAMES = ['fill-first', 'round-robin', 'p2c', 'random', 'least-used', 'cost-optimized', 'weighted', 'session'] as const;

/** Extra spellings users write. */
const ALIASES: Readonly<Record<string, string>> = lookupTable({
  priority: 'fill-first',
  ordered: 'fill-first',
  'power-of-two': 'p2c',
  cheapest: 'cost-optimized',
  cost: 'cost-optimized',
  affinity: 'session',
});

export interface StrategyRegistry {
  /** The strategy for `name` (case and `_`/`-` insensitive), or undefined when unknown. */
  get(name: string): Strategy | undefined;
}

/**
 * Builds the strategies of one router instance. Stateful ones (round-robin) keep their state in
 * `rotation`, which lives as long as the plugin instance.
 */
export function createStrategyRegistry(rotation: RotationBook): StrategyRegistry {
  const all: Strategy[] = [fillFirst, createRoundRobin(rotation), p2c, randomOrder, leastUsed, costOptimized, weighted, session];
  const byName = new Map(all.map((s) => [s.name, s]));
  return {
    get(name) {
      const n = name.trim().toLowerCase().replaceAll('_', '-');
      return byName.get(ALIASES[n] ?? n);
    },
  };
}
