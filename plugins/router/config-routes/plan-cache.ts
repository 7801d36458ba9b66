import type { ProviderRuntime, RoutePlan, Target } from '../../../core/plugin/types.ts';
import type { Resolved } from './resolve-model.ts';
import type { StrategyRegistry } from './strategies/strategy-registry.ts';

/** Model names remembered per config (names come from clients); the oldest is dropped beyond it. */
const MAX_NAMES = 1000;

/** A plan that depends only on the config, with the stats keys of its first target. */
export interface CachedPlan {
  plan: Readonly<RoutePlan>;
  firstKeys: readonly string[];
}

/**
 * Route plans that depend on nothing but the config: every ordering step is fill-first (or has
 * a single candidate), so the same model name always gives the same targets. The router reuses
 * them instead of resolving and ordering again on every request. Kept per providers map and
 * config object, so a reload starts afresh. Requests share the plan and its (frozen) targets, so
 * each one gets its own copy of the list ({@link planCopy}): the list itself is not frozen, as
 * JavaScriptCore keeps a frozen array in a slow form whose `for…of` leaves optimized code on
 * every pass (measured: 8× slower, an OSR exit per request in `runAttempts`).
 */
export class PlanCache {
  private readonly byProviders = new WeakMap<object, { config: object; plans: Map<string, CachedPlan> }>();

  get(providers: object, config: object, model: string): CachedPlan | undefined {
    const entry = this.byProviders.get(providers);
    return entry?.config === config ? entry.plans.get(model) : undefined;
  }

  set(providers: object, config: object, model: string, plan: RoutePlan, firstKeys: readonly string[]): CachedPlan {
    let entry = this.byProviders.get(providers);
    if (!entry || entry.config !== config) this.byProviders.set(providers, (entry = { config, plans: new Map() }));
    if (entry.plans.size >= MAX_NAMES) entry.plans.delete(entry.plans.keys().next().value!);
    const cached: CachedPlan = {
      plan: Object.freeze({ ...plan, targets: plan.targets.map((t) => Object.freeze({ ...t }) as Target) }),
      firstKeys,
    };
    entry.plans.set(model, cached);
    return cached;
  }
}

/** A request's own copy of a cached plan: its targets list may be changed without touching the cache's. */
export function planCopy(plan: Readonly<RoutePlan>): RoutePlan {
  return { ...plan, targets: plan.targets.slice() };
}

/**
 * True when ordering `r` involves no strategy with state or chance: one candidate or a
 * fill-first combo, and per target no account choice beyond priority order (no accounts, a
 * pinned account, one account per priority tier, or a fill-first account strategy).
 */
export function isConfigOnlyPlan(r: Resolved, providers: ReadonlyMap<string, ProviderRuntime>, strategies: StrategyRegistry): boolean {
  const fillFirst = strategies.get('fill-first');
  if (r.targets.length > 1 && strategies.get(r.strategy ?? 'fill-first') !== fillFirst) return false;
  for (const t of r.targets) {
    const p = providers.get(t.provider);
    if (!p || p.accounts.length <= 1 || t.account !== undefined) continue;
    if (strategies.get(p.accountStrategy || 'fill-first') === fillFirst) continue;
    const tiers = new Set(p.accounts.map((a) => a.priority));
    if (tiers.size !== p.accounts.length) return false;
  }
  return true;
}
