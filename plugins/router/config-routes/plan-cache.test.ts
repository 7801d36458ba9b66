import { describe, expect, test } from 'bun:test';
import type { AccountRuntime, ProviderRuntime, RoutePlan } from '../../../core/plugin/types.ts';
import { isConfigOnlyPlan, PlanCache, planCopy } from './plan-cache.ts';
import { resolveModel } from './resolve-model.ts';
import { RotationBook } from './strategies/rotation-book.ts';
import { createStrategyRegistry } from './strategies/strategy-registry.ts';

function provider(name: string, accounts: Array<Partial<AccountRuntime> & { id: string }> = [], over: Partial<ProviderRuntime> = {}): ProviderRuntime {
  return {
    name, type: 'openai', baseUrl: 'http://x', models: ['m', 'n'], headers: {}, allowPrivateNetwork: false, quirks: {}, pricing: {}, options: {},
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 }, accountStrategy: 'fill-first',
    accounts: accounts.map((a) => ({ label: a.id, priority: 0, weight: 1, ...a })), ...over,
  };
}

const strategies = createStrategyRegistry(new RotationBook());

function configOnly(providers: ProviderRuntime[], model: string, combos: Record<string, { strategy: string; models: string[] }> = {}): boolean {
  const map = new Map(providers.map((p) => [p.name, p]));
  return isConfigOnlyPlan(resolveModel(model, { providers: map, aliases: {}, combos }), map, strategies);
}

describe('isConfigOnlyPlan', () => {
  test('one target, fill-first combos, a pinned or single account, or one account per priority: decided by the config', () => {
    expect(configOnly([provider('p')], 'p/m')).toBe(true);
    expect(configOnly([provider('p', [{ id: 'k1' }])], 'p/m')).toBe(true);
    expect(configOnly([provider('p', [{ id: 'k1' }, { id: 'k2' }])], 'p/m')).toBe(true); // fill-first accounts
    expect(configOnly([provider('p', [{ id: 'k1', priority: 2 }, { id: 'k2', priority: 1 }], { accountStrategy: 'random' })], 'p/m')).toBe(true);
    expect(configOnly([provider('p'), provider('q')], 'c', { c: { strategy: 'fill-first', models: ['p/m', 'q/m'] } })).toBe(true);
    expect(configOnly([provider('p')], 'p/*')).toBe(true); // one provider's models, fill-first
  });

  test('anything with chance or state is not', () => {
    expect(configOnly([provider('p', [{ id: 'k1' }, { id: 'k2' }], { accountStrategy: 'round-robin' })], 'p/m')).toBe(false);
    expect(configOnly([provider('p', [{ id: 'k1' }, { id: 'k2' }], { accountStrategy: 'random' })], 'p/m')).toBe(false);
    expect(configOnly([provider('p'), provider('q')], 'c', { c: { strategy: 'p2c', models: ['p/m', 'q/m'] } })).toBe(false);
    expect(configOnly([provider('p'), provider('q')], 'c', { c: { strategy: 'nonsense', models: ['p/m', 'q/m'] } })).toBe(false);
  });
});

describe('PlanCache', () => {
  const plan: RoutePlan = { targets: [{ provider: 'p', model: 'm', account: 'k1' }], strategy: 'fill-first' };

  test('a plan is kept per providers map, config object and model name, frozen', () => {
    const cache = new PlanCache();
    const providers = new Map();
    const config = {};
    expect(cache.get(providers, config, 'p/m')).toBeUndefined();
    const set = cache.set(providers, config, 'p/m', plan, ['p/m', 'p#k1']);
    expect(cache.get(providers, config, 'p/m')).toBe(set);
    expect(set.plan).toEqual(plan);
    expect(Object.isFrozen(set.plan)).toBe(true);
    expect(Object.isFrozen(set.plan.targets[0])).toBe(true);
    expect(cache.get(providers, config, 'p/n')).toBeUndefined();
    // A reload brings new objects: nothing carries over.
    expect(cache.get(new Map(), config, 'p/m')).toBeUndefined();
    expect(cache.get(providers, {}, 'p/m')).toBeUndefined();
  });

  test('each request gets its own targets list; the cached plan does not change', () => {
    const set = new PlanCache().set(new Map(), {}, 'p/m', plan, ['p/m', 'p#k1']);
    const mine = planCopy(set.plan);
    expect(mine).toEqual(plan);
    mine.targets.push({ provider: 'q', model: 'm' });
    mine.targets.reverse();
    expect(set.plan.targets).toEqual(plan.targets);
    expect(planCopy(set.plan).targets).toEqual(plan.targets);
    // The list is a plain array: JavaScriptCore's frozen arrays leave optimized loops on every pass.
    expect(Object.isFrozen(mine.targets)).toBe(false);
  });

  test('a new config for the same providers map starts afresh', () => {
    const cache = new PlanCache();
    const providers = new Map();
    cache.set(providers, { v: 1 }, 'p/m', plan, []);
    const next = { v: 2 };
    cache.set(providers, next, 'q/m', plan, []);
    expect(cache.get(providers, next, 'p/m')).toBeUndefined();
    expect(cache.get(providers, next, 'q/m')).toBeDefined();
  });
});
