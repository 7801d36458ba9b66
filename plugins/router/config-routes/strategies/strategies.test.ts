import { describe, expect, test } from 'bun:test';
import type { Target } from '../../../../core/plugin/types.ts';
import { p2cCost } from './p2c.ts';
import { RotationBook } from './rotation-book.ts';
import { stickyCount } from './round-robin.ts';
import { createStrategyRegistry } from './strategy-registry.ts';
import type { Candidate, StatsView, StrategyContext } from './strategy-types.ts';

const cand = (key: string, extra: Partial<Candidate> = {}): Candidate => ({
  key, target: { provider: key.split('/')[0], model: key.split('/')[1] ?? 'm' }, weight: 1, ...extra,
});

function fakeStats(over: Partial<Record<keyof StatsView, unknown>> = {}): StatsView & { data: Record<string, Partial<{ lat: number; ok: number; inflight: number; uses: number; sick: boolean }>> } {
  const data: Record<string, Partial<{ lat: number; ok: number; inflight: number; uses: number; sick: boolean }>> = {};
  const key = (t: Target) => `${t.provider}/${t.model}`;
  return {
    data,
    successRate: (k) => data[k]?.ok ?? 1,
    latencyMs: (k) => data[k]?.lat,
    inflight: (k) => data[k]?.inflight ?? 0,
    uses: (k) => data[k]?.uses ?? 0,
    healthy: (t) => !data[key(t)]?.sick,
    ...over,
  } as StatsView & { data: typeof data };
}

/** A deterministic random source cycling through `values`. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

function ctx(stats: StatsView, over: Partial<StrategyContext> = {}): StrategyContext {
  return { scope: 'combo:x', requestId: 'r1', options: {}, stats, random: Math.random, ...over };
}

const keys = (cs: Candidate[]) => cs.map((c) => c.key);
const registry = () => createStrategyRegistry(new RotationBook());

describe('strategies', () => {
  const abc = [cand('a/m'), cand('b/m'), cand('c/m')];

  test('registry knows every name, aliases and spellings; unknown is undefined', () => {
    const r = registry();
    for (const n of ['fill-first', 'round-robin', 'p2c', 'random', 'least-used', 'cost-optimized', 'weighted']) expect(r.get(n)?.name).toBe(n);
    expect(r.get('Round_Robin')?.name).toBe('round-robin');
    expect(r.get('priority')?.name).toBe('fill-first');
    expect(r.get('nope')).toBeUndefined();
  });

  test('fill-first keeps the declared order', () => {
    expect(keys(registry().get('fill-first')!.order(abc, ctx(fakeStats())))).toEqual(['a/m', 'b/m', 'c/m']);
  });

  test('every strategy returns each candidate exactly once', () => {
    const r = registry();
    for (const n of ['fill-first', 'round-robin', 'p2c', 'random', 'least-used', 'cost-optimized', 'weighted']) {
      for (let i = 0; i < 20; i++) expect(keys(r.get(n)!.order(abc, ctx(fakeStats()))).sort()).toEqual(['a/m', 'b/m', 'c/m']);
    }
  });

  test('cost-optimized: cheapest first, unknown price last, ties keep order', () => {
    const cs = [cand('x/m'), cand('e/m', { price: 10 }), cand('c/m', { price: 0.5 }), cand('t/m', { price: 0.5 }), cand('f/m', { price: 0 })];
    expect(keys(registry().get('cost-optimized')!.order(cs, ctx(fakeStats())))).toEqual(['f/m', 'c/m', 't/m', 'e/m', 'x/m']);
  });

  test('least-used: fewest uses first, ties in declared order', () => {
    const s = fakeStats();
    s.data['a/m'] = { uses: 5 };
    s.data['b/m'] = { uses: 1 };
    s.data['c/m'] = { uses: 1 };
    expect(keys(registry().get('least-used')!.order(abc, ctx(s)))).toEqual(['b/m', 'c/m', 'a/m']);
  });

  test('weighted: frequencies follow the weights; weight 0 never first', () => {
    const cs = [cand('a/m', { weight: 3 }), cand('b/m', { weight: 1 }), cand('z/m', { weight: 0 })];
    const firsts: Record<string, number> = {};
    const w = registry().get('weighted')!;
    for (let i = 0; i < 4000; i++) {
      const o = w.order(cs, ctx(fakeStats()));
      firsts[o[0].key] = (firsts[o[0].key] ?? 0) + 1;
      expect(o.at(-1)!.key).toBe('z/m');
    }
    expect(firsts['z/m']).toBeUndefined();
    expect(firsts['a/m'] / 4000).toBeGreaterThan(0.68);
    expect(firsts['a/m'] / 4000).toBeLessThan(0.82);
  });

  test('random: each candidate goes first sometimes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(registry().get('random')!.order(abc, ctx(fakeStats()))[0].key);
    expect([...seen].sort()).toEqual(['a/m', 'b/m', 'c/m']);
  });

  test('p2c: the cheaper of the two draws goes first; the rest by cost; unhealthy costs infinity', () => {
    const s = fakeStats();
    s.data['a/m'] = { lat: 500 };
    s.data['b/m'] = { lat: 20 };
    s.data['c/m'] = { lat: 100 };
    const p = registry().get('p2c')!;
    // Draws a (index 0) and c (index 2 after skipping): c is cheaper.
    expect(keys(p.order(abc, ctx(s, { random: seq(0, 0.99) })))).toEqual(['c/m', 'b/m', 'a/m']);
    // Draws a and b: b first.
    expect(keys(p.order(abc, ctx(s, { random: seq(0, 0) })))).toEqual(['b/m', 'c/m', 'a/m']);
    s.data['b/m'].sick = true;
    expect(p2cCost(abc[1], s)).toBe(Number.POSITIVE_INFINITY);
    expect(keys(p.order(abc, ctx(s, { random: seq(0, 0) })))).toEqual(['a/m', 'c/m', 'b/m']);
  });

  test('p2c: failures and queued work raise the cost', () => {
    const s = fakeStats();
    s.data['a/m'] = { lat: 100 };
    s.data['b/m'] = { lat: 100, ok: 0.5 };
    s.data['c/m'] = { lat: 100, inflight: 3 };
    expect(p2cCost(abc[1], s)).toBe(200);
    expect(p2cCost(abc[2], s)).toBe(400);
    expect(p2cCost(abc[0], s)).toBe(100);
  });

  test('round-robin: sticky for N successes, then rotates; failures rotate at once; one rotation per burst', () => {
    const book = new RotationBook();
    const rr = createStrategyRegistry(book).get('round-robin')!;
    const s = fakeStats();
    const firsts: string[] = [];
    for (let i = 0; i < 9; i++) {
      const id = `r${i}`;
      const o = rr.order(abc, ctx(s, { requestId: id, options: { sticky: 3 } }));
      firsts.push(o[0].key);
      book.onSuccess(id, [o[0].key]);
      book.forget(id);
    }
    expect(firsts).toEqual(['a/m', 'a/m', 'a/m', 'b/m', 'b/m', 'b/m', 'c/m', 'c/m', 'c/m']);
    // A burst of concurrent requests all routed to a/m; all fail: the cursor moves once.
    const ids = ['x1', 'x2', 'x3'];
    for (const id of ids) expect(rr.order(abc, ctx(s, { requestId: id }))[0].key).toBe('a/m');
    for (const id of ids) book.onFailure(id, ['a/m']);
    expect(rr.order(abc, ctx(s, { requestId: 'y' }))[0].key).toBe('b/m');
  });

  test('round-robin: requests in flight hold their place in the turn, so a concurrent burst spreads', () => {
    const book = new RotationBook();
    const rr = createStrategyRegistry(book).get('round-robin')!;
    const s = fakeStats();
    const firsts = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'].map((id) => rr.order(abc, ctx(s, { requestId: id, options: { sticky: 2 } }))[0].key);
    expect(firsts).toEqual(['a/m', 'a/m', 'b/m', 'b/m', 'c/m', 'c/m', 'a/m']);
    // A request that ends without an outcome on its pick (a client error) gives its place back.
    const book2 = new RotationBook();
    const rr2 = createStrategyRegistry(book2).get('round-robin')!;
    expect(rr2.order(abc, ctx(s, { requestId: 'x', options: { sticky: 1 } }))[0].key).toBe('a/m');
    book2.forget('x');
    expect(rr2.order(abc, ctx(s, { requestId: 'y', options: { sticky: 1 } }))[0].key).toBe('a/m');
  });

  test('round-robin: one request ordering the same scope again (one provider, several models) takes one place', () => {
    const book = new RotationBook();
    const rr = createStrategyRegistry(book).get('round-robin')!;
    const s = fakeStats();
    const again = (id: string) => [1, 2, 3].map(() => rr.order(abc, ctx(s, { scope: 'accounts:p:0', requestId: id, options: { sticky: 2 } }))[0].key);
    expect(again('r1')).toEqual(['a/m', 'a/m', 'a/m']);
    book.onSuccess('r1', ['a/m']);
    book.forget('r1');
    expect(again('r2')).toEqual(['a/m', 'a/m', 'a/m']);
    book.onSuccess('r2', ['a/m']);
    book.forget('r2');
    expect(again('r3')).toEqual(['b/m', 'b/m', 'b/m']);
  });

  test('round-robin skips an unhealthy current candidate', () => {
    const rr = registry().get('round-robin')!;
    const s = fakeStats();
    s.data['a/m'] = { sick: true };
    expect(keys(rr.order(abc, ctx(s)))).toEqual(['b/m', 'c/m', 'a/m']);
  });

  test('round-robin: skipping past the end wraps around to the healthy one, and that one is the pick', () => {
    const book = new RotationBook();
    const rr = createStrategyRegistry(book).get('round-robin')!;
    const s = fakeStats();
    const opts = { options: { sticky: 1 } };
    for (const id of ['r1', 'r2']) {
      rr.order(abc, ctx(s, { requestId: id, ...opts }));
      book.onSuccess(id, [id === 'r1' ? 'a/m' : 'b/m']);
    }
    // The cursor is on c; c and a are unhealthy: b goes first (a wrap-around past the end).
    s.data['c/m'] = { sick: true };
    s.data['a/m'] = { sick: true };
    expect(keys(rr.order(abc, ctx(s, { requestId: 'r3', ...opts })))).toEqual(['b/m', 'c/m', 'a/m']);
    book.onSuccess('r3', ['b/m']);
    // b's success counted: the turn moved on (past the unhealthy c and a, back to b).
    delete s.data['c/m'];
    expect(rr.order(abc, ctx(s, { requestId: 'r4', ...opts }))[0].key).toBe('c/m');
  });

  test('sticky option forms', () => {
    expect(stickyCount(undefined)).toBe(3);
    expect(stickyCount(true)).toBe(3);
    expect(stickyCount(false)).toBe(1);
    expect(stickyCount(5)).toBe(5);
    expect(stickyCount(0)).toBe(1);
  });
});
