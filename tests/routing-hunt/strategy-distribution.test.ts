import { afterEach, describe, expect, test } from 'bun:test';
import { keysSeen, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';
import { keyCounts, servedOrder, slowMock, spread } from './hunt-kit.ts';

/**
 * Every strategy of docs/routing.md ("Strategies"), measured over many requests through a real
 * gateway and mock upstreams, against what the table promises. Bounds on random strategies are
 * about five standard deviations wide: a correct router fails them about once in a million runs.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const three = (strategy: string, extra = '') => `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('c')}
combos:
  trio: { strategy: ${strategy}, models: [a/gpt-4o-mini, b/gpt-4o-mini, c/gpt-4o-mini]${extra} }
`;

describe('fill-first', () => {
  test('the first target takes every request; a failing one hands each request to the next', async () => {
    r = await startRouting(['a', 'b', 'c'], three('fill-first'));
    expect(await spread(r, 'trio', 20, 5)).toEqual({ a: 20, b: 0, c: 0 });
    r.mocks.a.script(Array.from({ length: 5 }, () => ({ status: 503 })));
    expect(await spread(r, 'trio', 5)).toEqual({ a: 5, b: 5, c: 0 });
  });
});

describe('round-robin', () => {
  test('sticky: false over three keys: a burst of 30 concurrent requests spreads 10/10/10', async () => {
    r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-k1-000000001', 'sk-k2-000000002', 'sk-k3-000000003'], 'account_strategy: round-robin, account_options: { sticky: false }')}
`, { mock: { p: slowMock(80) } });
    await spread(r, 'p/gpt-4o-mini', 30, 30);
    expect(keyCounts(r, 'p')).toEqual({ 'sk-k1-000000001': 10, 'sk-k2-000000002': 10, 'sk-k3-000000003': 10 });
  });

  test('default sticky (3) over a combo: 9 concurrent requests go 3/3/3, as 9 sequential ones do', async () => {
    r = await startRouting(['a', 'b', 'c'], three('round-robin'), { mock: { a: slowMock(80), b: slowMock(80), c: slowMock(80) } });
    expect(await spread(r, 'trio', 9, 9)).toEqual({ a: 3, b: 3, c: 3 });
    expect(await spread(r, 'trio', 9)).toEqual({ a: 3, b: 3, c: 3 });
  });

  test('sequential requests keep the documented turn: sticky successes, then the next; a failure moves on at once', async () => {
    r = await startRouting(['a', 'b', 'c'], three('round-robin', ', options: { sticky: 2 }'));
    expect(await servedOrder(r, 'trio', 6)).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    r.mocks.a.script([{ status: 503 }]);
    // a fails (b serves that request as the fallback), and the cursor leaves a at once.
    expect(await servedOrder(r, 'trio', 3)).toEqual(['a+b', 'b', 'b']);
  });
});

describe('weighted', () => {
  test('the documented split (openai/gpt-4.1: 1, anthropic: 3) sends about three quarters to anthropic', async () => {
    r = await startRouting(['openai', 'anthropic'], `
providers:
${mockProvider('openai')}
${mockProvider('anthropic')}
combos:
  split:
    strategy: weighted
    models: [openai/gpt-4.1, anthropic/claude-sonnet-4-5]
    options: { weights: { openai/gpt-4.1: 1, anthropic: 3 } }
`);
    const n = 400;
    const got = await spread(r, 'split', n, 20);
    // Binomial(400, 0.75): mean 300, sd 8.7.
    expect(got.anthropic).toBeGreaterThan(256);
    expect(got.anthropic).toBeLessThan(344);
    expect(got.openai + got.anthropic).toBe(n);
  });

  test('accounts: the higher priority serves alone; once it cools down the rest split 3:1 by weight; weight 0 only as fallback', async () => {
    r = await startRouting(['openai'], `
providers:
  openai:
    type: openai
    base_url: "{{openai}}"
    allow_private_network: true
    account_strategy: weighted
    accounts:
      - { label: team,     key: sk-team-000000001, priority: 10 }
      - { label: personal, key: sk-personal-00001, priority: 0, weight: 3 }
      - { label: spare,    key: sk-spare-00000001, priority: 0, weight: 1 }
      - { label: never,    key: sk-never-00000001, priority: 0, weight: 0 }
plugins:
  - cooldown
`);
    await spread(r, 'openai/gpt-4.1', 20, 5);
    expect(keyCounts(r, 'openai')).toEqual({ 'sk-team-000000001': 20 });
    r.mocks.openai.script([{ status: 429, retryAfter: 3600 }]);
    const from = keysSeen(r.mocks.openai).length;
    await spread(r, 'openai/gpt-4.1', 401, 1);
    const counts = keyCounts(r, 'openai', from);
    // The 429 itself, then 401 requests served by the weighted tier (one of them that 429's fallback).
    expect(counts['sk-team-000000001']).toBe(1);
    expect(counts['sk-never-00000001']).toBeUndefined();
    expect(counts['sk-personal-00001'] + counts['sk-spare-00000001']).toBe(401);
    expect(counts['sk-personal-00001']).toBeGreaterThan(257);
    expect(counts['sk-personal-00001']).toBeLessThan(345);
  });
});

describe('random', () => {
  test('each of three targets goes first about a third of the time', async () => {
    r = await startRouting(['a', 'b', 'c'], three('random'));
    const got = await spread(r, 'trio', 300, 20);
    // Binomial(300, 1/3): mean 100, sd 8.2.
    for (const k of ['a', 'b', 'c']) {
      expect(got[k]).toBeGreaterThan(59);
      expect(got[k]).toBeLessThan(141);
    }
  });
});

describe('least-used', () => {
  test('sequential requests take turns; a concurrent burst spreads evenly (uses are counted at routing)', async () => {
    r = await startRouting(['a', 'b', 'c'], three('least-used'), { mock: { a: slowMock(60), b: slowMock(60), c: slowMock(60) } });
    expect(await servedOrder(r, 'trio', 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(await spread(r, 'trio', 30, 30)).toEqual({ a: 10, b: 10, c: 10 });
  });
});

describe('p2c', () => {
  test('a concurrent burst over equal targets does not pile onto one (in-flight attempts raise the cost)', async () => {
    r = await startRouting(['a', 'b', 'c'], three('p2c'), { mock: { a: slowMock(60), b: slowMock(60), c: slowMock(60) } });
    const got = await spread(r, 'trio', 30, 30);
    for (const k of ['a', 'b', 'c']) expect(got[k]).toBeGreaterThanOrEqual(5);
  });
});

describe('cost-optimized', () => {
  test('a provider/* wildcard is ordered by each model price; ties keep the declared order', async () => {
    r = await startRouting(['p', 'q'], `
providers:
${mockProvider('p', undefined, 'models: [big, small, tiny], pricing: { big: { input: 5, output: 15 }, small: { input: 0.5, output: 1 }, tiny: { input: 0.5, output: 1 } }')}
${mockProvider('q', undefined, 'pricing: { mid: { input: 1, output: 2 } }')}
combos:
  thrifty: { strategy: cost-optimized, models: [q/mid, p/*] }
`);
    await spread(r, 'thrifty', 10, 5);
    expect(r.mocks.p.requests.map((x) => (x.body as { model: string }).model)).toEqual(Array(10).fill('small'));
    r.mocks.p.script([{ status: 503 }, { status: 503 }]);
    await spread(r, 'thrifty', 1);
    // small fails, then tiny (same price, declared later) fails, then q/mid (next cheapest) serves.
    expect(r.mocks.p.requests.slice(10).map((x) => (x.body as { model: string }).model)).toEqual(['small', 'tiny']);
    expect(r.mocks.q.requests.length).toBe(1);
  });
});

describe('round-robin accounts inside a plan with several models of the provider', () => {
  test('a fill-first combo over three models of one provider keeps the account turn (sticky 3)', async () => {
    r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-k1-000000001', 'sk-k2-000000002'], 'account_strategy: round-robin, models: [m1, m2, m3]')}
combos:
  models3: { models: [p/m1, p/m2, p/m3] }
`);
    await spread(r, 'models3', 6);
    expect(keysSeen(r.mocks.p)).toEqual([
      'sk-k1-000000001', 'sk-k1-000000001', 'sk-k1-000000001',
      'sk-k2-000000002', 'sk-k2-000000002', 'sk-k2-000000002',
    ]);
    // The same through a provider/* wildcard, and with sticky: false the keys alternate.
    await spread(r, 'p/*', 6);
    expect(keysSeen(r.mocks.p).slice(6)).toEqual([
      'sk-k1-000000001', 'sk-k1-000000001', 'sk-k1-000000001',
      'sk-k2-000000002', 'sk-k2-000000002', 'sk-k2-000000002',
    ]);
  });

  test('sticky: false over two keys alternates per request, whatever the number of models in the plan', async () => {
    r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-k1-000000001', 'sk-k2-000000002'], 'account_strategy: round-robin, account_options: { sticky: false }, models: [m1, m2, m3]')}
`);
    await spread(r, 'p/*', 6);
    expect(keysSeen(r.mocks.p)).toEqual([
      'sk-k1-000000001', 'sk-k2-000000002', 'sk-k1-000000001', 'sk-k2-000000002', 'sk-k1-000000001', 'sk-k2-000000002',
    ]);
  });
});

describe('round-robin and health', () => {
  test('a combo target whose only key cools down is skipped: the others share its turns', async () => {
    r = await startRouting(['a', 'b', 'c'], three('round-robin', ', options: { sticky: false }').replace('combos:', 'plugins:\n  - cooldown\ncombos:'));
    r.mocks.a.script([{ status: 429, retryAfter: 3600 }]);
    // The 429 cools a's key (b answers that request); then a is out of the rotation.
    expect(await servedOrder(r, 'trio', 1)).toEqual(['a+b']);
    expect(await spread(r, 'trio', 10)).toEqual({ a: 0, b: 5, c: 5 });
  });
});
