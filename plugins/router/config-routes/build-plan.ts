import type { Logger } from '../../../core/log/logger.ts';
import { priceOf } from '../../../core/pipeline/usage-meter.ts';
import type { AccountRuntime, ProviderRuntime, Target } from '../../../core/plugin/types.ts';
import type { Resolved } from './resolve-model.ts';
import { accountKey } from './route-stats.ts';
import type { StrategyRegistry } from './strategies/strategy-registry.ts';
import type { Candidate, StatsView, Strategy } from './strategies/strategy-types.ts';

export interface PlanDeps {
  providers: ReadonlyMap<string, ProviderRuntime>;
  combos: Readonly<Record<string, { options?: Record<string, unknown> }>>;
  strategies: StrategyRegistry;
  stats: StatsView;
  random(): number;
  log: Logger;
  /** Names already warned about (unknown strategies are logged once). */
  warned: Set<string>;
  /** What names the request's conversation (`session` strategy); asked only by that strategy. */
  session?(): string | undefined;
}

type Json = Record<string, unknown>;

/**
 * Orders resolved targets into the plan's fallback order, in three steps: the combo's strategy
 * orders its targets; each target expands into its provider's accounts, ordered by priority
 * tiers (higher first) and the provider's `account_strategy` inside a tier; finally healthy
 * targets move ahead of unhealthy ones (stable), which are kept as fallbacks.
 */
export function buildPlanTargets(r: Resolved, requestId: string, deps: PlanDeps): Target[] {
  const options = (r.combo ? deps.combos[r.combo]?.options : undefined) ?? {};
  const candidates = r.targets.map((t) => targetCandidate(t, options, deps.providers));
  const ordered = candidates.length > 1
    ? pick(r.strategy ?? 'fill-first', deps).order(candidates, {
      scope: `combo:${r.combo ?? r.via ?? '*'}`, requestId, options, stats: withTargetHealth(deps), random: deps.random, session: deps.session,
    })
    : candidates;
  const expanded = ordered.flatMap((c) => orderAccounts(c.target, requestId, deps));
  const healthy = expanded.filter((t) => deps.stats.healthy(t));
  return healthy.length === expanded.length ? expanded : [...healthy, ...expanded.filter((t) => !deps.stats.healthy(t))];
}

/**
 * The stats as a combo's strategy sees them: a `provider/model` target is healthy when its
 * provider is and at least one of its accounts is. Cooldowns are per account, so a target whose
 * every key cools down would otherwise look healthy (round-robin would keep its cursor on it,
 * p2c would price it as usual) while the plan sends every request to the target after it.
 */
function withTargetHealth(deps: PlanDeps): StatsView {
  const { stats, providers } = deps;
  const healthy = (t: Target): boolean => {
    if (!stats.healthy(t)) return false;
    const p = t.account === undefined ? providers.get(t.provider) : undefined;
    return !p || p.accounts.length === 0 || p.accounts.some((a) => stats.healthy({ ...t, account: a.id }));
  };
  return {
    successRate: (k) => stats.successRate(k), latencyMs: (k) => stats.latencyMs(k), inflight: (k) => stats.inflight(k), uses: (k) => stats.uses(k), healthy,
  };
}

function pick(name: string, deps: PlanDeps): Strategy {
  const s = deps.strategies.get(name);
  if (s) return s;
  if (!deps.warned.has(name)) {
    deps.warned.add(name);
    deps.log.warn(`unknown routing strategy "${name}", using fill-first`);
  }
  return deps.strategies.get('fill-first')!;
}

function targetCandidate(t: Target, options: Json, providers: PlanDeps['providers']): Candidate {
  const weights = isRecord(options.weights) ? options.weights : {};
  const w = weights[`${t.provider}/${t.model}`] ?? weights[`${t.provider}/*`] ?? weights[t.provider];
  const price = priceOf(providers.get(t.provider), t.model);
  return {
    key: `${t.provider}/${t.model}`,
    target: t,
    weight: typeof w === 'number' ? w : 1,
    ...(price ? { price: price.input + price.output } : {}),
  };
}

/** One target per account: priority tiers (high first), the account strategy inside each tier. */
function orderAccounts(t: Target, requestId: string, deps: PlanDeps): Target[] {
  const p = deps.providers.get(t.provider);
  if (!p || p.accounts.length === 0 || t.account !== undefined) return [t];
  const options = isRecord(p.options.account_options) ? p.options.account_options : {};
  const strategy = pick(p.accountStrategy || 'fill-first', deps);
  const tiers = new Map<number, AccountRuntime[]>();
  for (const a of [...p.accounts].sort((x, y) => y.priority - x.priority)) {
    tiers.set(a.priority, [...(tiers.get(a.priority) ?? []), a]);
  }
  const price = priceOf(p, t.model);
  const out: Target[] = [];
  for (const [priority, accounts] of tiers) {
    const candidates = accounts.map((a) => accountCandidate(t, a, options, price ? price.input + price.output : undefined));
    const ordered = candidates.length > 1
      ? strategy.order(candidates, {
        scope: `accounts:${p.name}:${priority}`, requestId, options, stats: deps.stats, random: deps.random, session: deps.session,
      })
      : candidates;
    out.push(...ordered.map((c) => c.target));
  }
  return out;
}

function accountCandidate(t: Target, a: AccountRuntime, options: Json, price: number | undefined): Candidate {
  const weights = isRecord(options.weights) ? options.weights : {};
  const w = weights[a.id];
  return {
    key: accountKey(t.provider, a.id),
    target: { ...t, account: a.id },
    weight: typeof w === 'number' ? w : a.weight,
    ...(price === undefined ? {} : { price }),
  };
}

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
