import type { Plugin, RoutePlan } from '../../../core/plugin/types.ts';
import { buildPlanTargets, type PlanDeps } from './build-plan.ts';
import { sessionKey } from './session-key.ts';
import { HealthView } from './health-view.ts';
import { isConfigOnlyPlan, PlanCache, planCopy } from './plan-cache.ts';
import { resolveModel } from './resolve-model.ts';
import { attemptKeys, countsAgainstTarget, RouteStats } from './route-stats.ts';
import { RotationBook } from './strategies/rotation-book.ts';
import { createStrategyRegistry } from './strategies/strategy-registry.ts';
import type { StatsView } from './strategies/strategy-types.ts';

/**
 * Routes a model name through the config's providers, aliases and combos, and orders the
 * targets with the combo's `strategy` and each provider's `account_strategy` (fill-first,
 * round-robin, p2c, random, least-used, cost-optimized, weighted). What the strategies know
 * (latency, success rate, load, breaker and cooldown state) is learned from bus events and
 * lives in this instance; a reload of the plugin starts fresh.
 */
export default {
  name: 'config-routes',
  kind: 'router',
  apiVersion: 1,
  autoload: true,
  description: 'provider/model, aliases, provider/* wildcards and combos, with routing strategies.',
  setup(ctx) {
    const now = () => ctx.host.now();
    const stats = new RouteStats(now);
    const health = new HealthView(now);
    const rotation = new RotationBook();
    const view: StatsView = {
      successRate: (k) => stats.successRate(k),
      latencyMs: (k) => stats.latencyMs(k),
      inflight: (k) => stats.inflight(k),
      uses: (k) => stats.uses(k),
      healthy: (t) => health.healthy(t),
    };
    const strategies = createStrategyRegistry(rotation);
    const warned = new Set<string>();

    ctx.on('attempt:started', (e) => stats.onStarted(e));
    ctx.on('attempt:succeeded', (e) => {
      stats.onSucceeded(e);
      rotation.onSuccess(e.id, attemptKeys(e));
    });
    ctx.on('attempt:failed', (e) => {
      stats.onFailed(e);
      if (countsAgainstTarget(e.code, e.status)) rotation.onFailure(e.id, attemptKeys(e));
    });
    ctx.on('response:completed', (e) => {
      rotation.forget(e.id);
      stats.forget(e.id);
    });
    ctx.on('request:failed', (e) => {
      if (e.usageStatus === 'error_midstream' && e.provider && e.model) {
        stats.onBrokenStream({ id: e.id, provider: e.provider, model: e.model });
      }
      rotation.forget(e.id);
      stats.forget(e.id);
    });
    // Only the events health depends on: an any-event listener would run on every request event.
    for (const type of ['circuit-breaker:state-changed', 'cooldown:state-changed', 'plugin:disposed'] as const) {
      ctx.on(type as 'plugin:disposed', (e) => health.observe(type, e));
    }

    // Plans that only the config decides are reused (while no guard reports health states).
    const plans = new PlanCache();
    ctx.hook('selectRoute', (req, call) => {
      const healthEmpty = health.isEmpty();
      const hit = healthEmpty ? plans.get(call.providers, call.config, req.model) : undefined;
      if (hit) {
        stats.reserve(call.id, hit.firstKeys);
        return planCopy(hit.plan);
      }
      const { aliases, combos } = call.config;
      const r = resolveModel(req.model, { providers: call.providers, aliases, combos });
      if (r.targets.length === 0) return undefined;
      let key: { value: string | undefined } | undefined;
      const session = () => (key ??= { value: sessionKey(req, call) }).value;
      const deps: PlanDeps = { providers: call.providers, combos, strategies, stats: view, random: Math.random, log: ctx.log, warned, session };
      const targets = buildPlanTargets(r, call.id, deps);
      const firstKeys = attemptKeys(targets[0]);
      stats.reserve(call.id, firstKeys);
      const plan: RoutePlan = { targets, strategy: r.strategy ?? 'fill-first', via: r.via };
      if (healthEmpty && isConfigOnlyPlan(r, call.providers, strategies)) plans.set(call.providers, call.config, req.model, plan, firstKeys);
      return plan;
    });
  },
} satisfies Plugin<unknown>;
