import { afterEach, describe, expect, test } from 'bun:test';
import { defaultReply } from '../helpers/mock-openai-replies.ts';
import { ask, keysSeen, mockProvider, sleep, startRouting, type Routing } from './routing-kit.ts';

/** Routing strategies through a real gateway and mock upstreams; which key or mock served shows the choice. */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

async function sequential(model: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await ask(r!.t, model, `req ${i}`)).status);
  return statuses;
}

describe('strategies end to end', () => {
  test('round-robin, sticky 3, over 3 accounts: 9 sequential requests go 3/3/3 in turn', async () => {
    r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-k1-000000001', 'sk-k2-000000002', 'sk-k3-000000003'], 'account_strategy: round-robin')}
`);
    expect(await sequential('p/gpt-4o-mini', 9)).toEqual(Array(9).fill(200));
    expect(keysSeen(r.mocks.p)).toEqual([
      'sk-k1-000000001', 'sk-k1-000000001', 'sk-k1-000000001',
      'sk-k2-000000002', 'sk-k2-000000002', 'sk-k2-000000002',
      'sk-k3-000000003', 'sk-k3-000000003', 'sk-k3-000000003',
    ]);
  });

  test('round-robin over a combo honours options.sticky', async () => {
    r = await startRouting(['a', 'b', 'c'], `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('c')}
combos:
  rr: { strategy: round-robin, models: [a/gpt-4o-mini, b/gpt-4o-mini, c/gpt-4o-mini], options: { sticky: 2 } }
`);
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const before = Object.fromEntries(Object.entries(r.mocks).map(([k, m]) => [k, m.requests.length]));
      expect((await ask(r.t, 'rr')).status).toBe(200);
      order.push(Object.keys(r.mocks).find((k) => r!.mocks[k].requests.length > before[k])!);
    }
    expect(order).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'a']);
  });

  test('fill-first drains accounts in priority order, skipping cooled ones', async () => {
    r = await startRouting(['p'], `
providers:
  p:
    type: openai
    base_url: "{{p}}"
    allow_private_network: true
    accounts:
      - { label: low, key: sk-low-00000003, priority: 1 }
      - { label: high, key: sk-high-0000001, priority: 3 }
      - { label: mid, key: sk-mid-00000002, priority: 2 }
plugins:
  - cooldown
`);
    r.mocks.p.script([{}, {}, { status: 429, retryAfter: 60 }, {}, {}, { status: 429, retryAfter: 60 }]);
    expect(await sequential('p/gpt-4o-mini', 6)).toEqual(Array(6).fill(200));
    expect(keysSeen(r.mocks.p)).toEqual([
      'sk-high-0000001', 'sk-high-0000001', 'sk-high-0000001',
      'sk-mid-00000002', 'sk-mid-00000002', 'sk-mid-00000002',
      'sk-low-00000003', 'sk-low-00000003',
    ]);
  });

  test('p2c moves traffic away from a slow target', async () => {
    r = await startRouting(['slow', 'fast'], `
providers:
${mockProvider('slow')}
${mockProvider('fast')}
combos:
  duo: { strategy: p2c, models: [slow/gpt-4o-mini, fast/gpt-4o-mini] }
`, { mock: { slow: { respond: async (body) => (await sleep(250), defaultReply(body)) } } });
    expect(await sequential('duo', 20)).toEqual(Array(20).fill(200));
    expect(r.mocks.slow.requests.length).toBeLessThanOrEqual(2);
    expect(r.mocks.fast.requests.length).toBeGreaterThanOrEqual(18);
  });

  test('cost-optimized picks the cheapest healthy target; unknown prices last', async () => {
    r = await startRouting(['exp', 'unk', 'mid', 'cheap'], `
providers:
${mockProvider('exp', undefined, 'pricing: { gpt-4o-mini: { input: 10, output: 30 } }')}
${mockProvider('unk')}
${mockProvider('mid', undefined, 'pricing: { gpt-4o-mini: { input: 1, output: 2 } }')}
${mockProvider('cheap', undefined, 'pricing: { gpt-4o-mini: { input: 0.1, output: 0.2 } }')}
combos:
  thrifty: { strategy: cost-optimized, models: [exp/gpt-4o-mini, unk/gpt-4o-mini, mid/gpt-4o-mini, cheap/gpt-4o-mini] }
plugins:
  - circuit-breaker: { failures: 1, baseOpenMs: 60000, jitter: 0 }
`);
    expect(await sequential('thrifty', 3)).toEqual([200, 200, 200]);
    expect(r.mocks.cheap.requests.length).toBe(3);
    // The cheapest fails once: its breaker opens, the next cheapest takes over.
    r.mocks.cheap.script([{ status: 503 }]);
    expect(await sequential('thrifty', 3)).toEqual([200, 200, 200]);
    expect(r.mocks.cheap.requests.length).toBe(4);
    expect(r.mocks.mid.requests.length).toBe(3);
    expect(r.mocks.exp.requests.length + r.mocks.unk.requests.length).toBe(0);
    // With mid failing too, the priced one goes before the unknown one.
    r.mocks.mid.script([{ status: 503 }]);
    expect(await sequential('thrifty', 2)).toEqual([200, 200]);
    expect(r.mocks.exp.requests.length).toBe(2);
    expect(r.mocks.unk.requests.length).toBe(0);
  });
});
