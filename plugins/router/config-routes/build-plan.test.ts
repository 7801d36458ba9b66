import { describe, expect, test } from 'bun:test';
import type { Logger } from '../../../core/log/logger.ts';
import type { AccountRuntime, ProviderRuntime, Target } from '../../../core/plugin/types.ts';
import { buildPlanTargets, type PlanDeps } from './build-plan.ts';
import { HealthView } from './health-view.ts';
import { resolveModel } from './resolve-model.ts';
import { attemptKeys, RouteStats } from './route-stats.ts';
import { RotationBook } from './strategies/rotation-book.ts';
import { createStrategyRegistry } from './strategies/strategy-registry.ts';

function provider(name: string, accounts: Array<Partial<AccountRuntime> & { id: string }> = [], over: Partial<ProviderRuntime> = {}): ProviderRuntime {
  return {
    name, type: 'openai', baseUrl: 'http://x', models: ['m'], headers: {}, allowPrivateNetwork: false, quirks: {}, pricing: {}, options: {},
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 }, accountStrategy: 'fill-first',
    accounts: accounts.map((a) => ({ label: a.id, priority: 0, weight: 1, ...a })), ...over,
  };
}

function setup(providers: ProviderRuntime[], combos: Record<string, { strategy: string; models: string[]; options?: Record<string, unknown> }> = {}, aliases: Record<string, string> = {}) {
  let now = 1000;
  const stats = new RouteStats(() => now);
  const health = new HealthView(() => now);
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  const map = new Map(providers.map((p) => [p.name, p]));
  const rotation = new RotationBook();
  const deps: PlanDeps = {
    providers: map, combos, strategies: createStrategyRegistry(rotation), log, warned: new Set(), random: Math.random,
    stats: {
      successRate: (k) => stats.successRate(k), latencyMs: (k) => stats.latencyMs(k), inflight: (k) => stats.inflight(k),
      uses: (k) => stats.uses(k), healthy: (t) => health.healthy(t),
    },
  };
  const plan = (model: string, id = 'r') => buildPlanTargets(resolveModel(model, { providers: map, aliases, combos }), id, deps);
  return { plan, health, stats, rotation, warnings, advance: (ms: number) => (now += ms) };
}

const fmt = (ts: Target[]) => ts.map((t) => `${t.provider}/${t.model}${t.account ? `#${t.account}` : ''}`);

describe('buildPlanTargets', () => {
  test('accounts: priority tiers first, the account strategy inside a tier', () => {
    const p = provider('p', [{ id: 'low', priority: 1 }, { id: 'a', priority: 5 }, { id: 'b', priority: 5 }, { id: 'mid', priority: 3 }], { accountStrategy: 'round-robin', options: { account_options: { sticky: 1 } } });
    const { plan, rotation } = setup([p]);
    expect(fmt(plan('p/m', 'r1'))).toEqual(['p/m#a', 'p/m#b', 'p/m#mid', 'p/m#low']);
    rotation.onSuccess('r1', ['p/m', 'p#a']);
    expect(fmt(plan('p/m', 'r2'))).toEqual(['p/m#b', 'p/m#a', 'p/m#mid', 'p/m#low']);
  });

  test('combo strategy orders targets, then accounts expand under each', () => {
    const { plan } = setup([
      provider('x', [{ id: 'k1' }, { id: 'k2' }], { pricing: { m: { input: 5, output: 5 } } }),
      provider('y', [{ id: 'k1' }], { pricing: { m: { input: 1, output: 1 } } }),
    ], { cheap: { strategy: 'cost-optimized', models: ['x/m', 'y/m'] } }, { alias: 'cheap' });
    expect(fmt(plan('cheap'))).toEqual(['y/m#k1', 'x/m#k1', 'x/m#k2']);
    // An alias to a combo keeps the combo's strategy.
    expect(fmt(plan('alias'))).toEqual(['y/m#k1', 'x/m#k1', 'x/m#k2']);
  });

  test('unhealthy targets move behind healthy ones but stay in the plan', () => {
    const { plan, health, advance } = setup([provider('x', [{ id: 'k1' }, { id: 'k2' }]), provider('y', [{ id: 'k1' }])], { c: { strategy: 'fill-first', models: ['x/m', 'y/m'] } });
    health.observe('cooldown:state-changed', { provider: 'x', account: 'k1', to: 'cooling', until: 1500 });
    expect(fmt(plan('c'))).toEqual(['x/m#k2', 'y/m#k1', 'x/m#k1']);
    health.observe('circuit-breaker:state-changed', { provider: 'x', to: 'open', openUntil: 2000 });
    expect(fmt(plan('c'))).toEqual(['y/m#k1', 'x/m#k1', 'x/m#k2']);
    advance(1000);
    expect(fmt(plan('c'))).toEqual(['x/m#k1', 'x/m#k2', 'y/m#k1']);
  });

  test('round-robin combo: a target whose every account cools down is skipped, the cursor moves past it', () => {
    const { plan, health, rotation } = setup([provider('x', [{ id: 'k1' }, { id: 'k2' }]), provider('y', [{ id: 'k1' }]), provider('z')], {
      rr: { strategy: 'round-robin', models: ['x/m', 'y/m', 'z/m'], options: { sticky: 1 } },
    });
    health.observe('cooldown:state-changed', { provider: 'x', account: 'k1', to: 'failed' });
    expect(fmt(plan('rr', 'r1'))).toEqual(['x/m#k2', 'y/m#k1', 'z/m', 'x/m#k1']);
    health.observe('cooldown:state-changed', { provider: 'x', account: 'k2', to: 'failed' });
    expect(fmt(plan('rr', 'r2'))).toEqual(['y/m#k1', 'z/m', 'x/m#k1', 'x/m#k2']);
    rotation.onSuccess('r2', ['y/m', 'y#k1']);
    expect(fmt(plan('rr', 'r3'))).toEqual(['z/m', 'y/m#k1', 'x/m#k1', 'x/m#k2']);
  });

  test('weighted combo: options.weights by provider/model, provider/* or provider; 0 = fallback only', () => {
    const { plan } = setup([provider('x'), provider('y'), provider('z')], {
      w: { strategy: 'weighted', models: ['x/m', 'y/m', 'z/m'], options: { weights: { 'x/m': 0, 'y/*': 0 } } },
    });
    for (let i = 0; i < 20; i++) expect(fmt(plan('w'))).toEqual(['z/m', 'x/m', 'y/m']);
  });

  test('an unknown strategy falls back to fill-first and is logged once', () => {
    const { plan, warnings } = setup([provider('x'), provider('y')], { c: { strategy: 'fastest-please', models: ['x/m', 'y/m'] } });
    expect(fmt(plan('c'))).toEqual(['x/m', 'y/m']);
    plan('c');
    expect(warnings.length).toBe(1);
  });
});

describe('HealthView', () => {
  test('breaker open until openUntil, half-open until resolved, cooldown failed until cleared', () => {
    let now = 0;
    const h = new HealthView(() => now);
    const t = { provider: 'p', model: 'm', account: 'k' };
    h.observe('circuit-breaker:state-changed', { provider: 'p', account: 'k', to: 'open', openUntil: 100 });
    expect(h.healthy(t)).toBe(false);
    expect(h.healthy({ ...t, account: 'other' })).toBe(true);
    now = 100;
    expect(h.healthy(t)).toBe(true);
    h.observe('circuit-breaker:state-changed', { provider: 'p', account: 'k', to: 'half-open' });
    expect(h.healthy(t)).toBe(false);
    h.observe('circuit-breaker:state-changed', { provider: 'p', account: 'k', to: 'closed' });
    h.observe('cooldown:state-changed', { provider: 'p', account: 'k', to: 'failed' });
    now = 10_000_000;
    expect(h.healthy(t)).toBe(false);
    h.observe('plugin:disposed', { name: 'cooldown', serving: false });
    expect(h.healthy(t)).toBe(true);
  });

  test('a reloaded guard keeps what it announced; a guard that is gone is forgotten', () => {
    const h = new HealthView(() => 0);
    const t = { provider: 'p', model: 'm', account: 'k' };
    h.observe('cooldown:state-changed', { provider: 'p', account: 'k', to: 'failed' });
    // A reload: the old instance is disposed once its requests ended, the new one serves on.
    h.observe('plugin:disposed', { name: 'cooldown', serving: true });
    expect(h.healthy(t)).toBe(false);
    // A new instance whose setup failed is disposed too; the old one still serves.
    h.observe('plugin:disposed', { name: 'cooldown', serving: true });
    expect(h.healthy(t)).toBe(false);
    h.observe('plugin:disposed', { name: 'cooldown', serving: false });
    expect(h.healthy(t)).toBe(true);
  });
});

describe('RouteStats', () => {
  test('attempt keys: the target and the account, memoized in a plain array', () => {
    const keys = attemptKeys({ provider: 'p', account: 'k', model: 'm' });
    expect(keys).toEqual(['p/m', 'p#k']);
    expect(attemptKeys({ provider: 'p', account: 'k', model: 'm' })).toBe(keys);
    expect(attemptKeys({ provider: 'p', model: 'm' })).toEqual(['p/m', 'p#']);
    // Not frozen: JavaScriptCore's for…of over a frozen array leaves optimized code on every pass.
    expect(Object.isFrozen(keys)).toBe(false);
  });

  test('a reserved use is not counted twice; fallbacks count', () => {
    const s = new RouteStats(() => 5000);
    s.reserve('r', ['p/m', 'p#k']);
    s.onStarted({ id: 'r', provider: 'p', account: 'k', model: 'm', n: 1 });
    s.onStarted({ id: 'r', provider: 'q', account: 'k', model: 'm', n: 2 });
    expect([s.uses('p/m'), s.uses('p#k'), s.uses('q/m'), s.inflight('p/m')]).toEqual([1, 1, 1, 1]);
  });

  test('success rate and latency EWMAs; client faults and skips do not count', () => {
    const s = new RouteStats(() => 5000);
    const base = { id: 'r', provider: 'p', account: 'k', model: 'm', n: 1 };
    s.onStarted(base);
    s.onSucceeded({ ...base, latencyMs: 100 });
    expect(s.latencyMs('p/m')).toBe(100);
    s.onStarted(base);
    s.onSucceeded({ ...base, latencyMs: 200 });
    expect(s.latencyMs('p/m')).toBe(130);
    const fail = (code: string, status: number) => s.onFailed({ ...base, code, status, error: 'x', retryable: true });
    fail('GW_BAD_REQUEST', 400);
    fail('GW_UNAVAILABLE', 503);
    fail('GW_CLIENT_CLOSED', 499);
    expect(s.successRate('p/m')).toBe(1);
    fail('GW_UPSTREAM_ERROR', 503);
    expect(s.successRate('p/m')).toBeCloseTo(0.8);
    expect(s.inflight('p/m')).toBe(0);
  });
});
