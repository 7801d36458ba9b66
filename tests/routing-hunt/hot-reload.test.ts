import { afterEach, describe, expect, test } from 'bun:test';
import { ask, keysSeen, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';
import { keyCounts, servedOrder, spread } from './hunt-kit.ts';

/**
 * Config reloads while traffic runs: accounts and providers disabled or removed, combos and
 * aliases re-pointed. Requests in flight finish on the snapshot they started with; the next
 * request sees the new config (no plan cached from the old one).
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

/** The YAML with every `{{name}}` filled with that mock's URL (writeConfig takes final text). */
const fill = (yaml: string) => yaml.replace(/\{\{(\w+)\}\}/g, (_, n: string) => r!.mocks[n].url);

const accounts = (k2Enabled: boolean) => `
providers:
  p:
    type: openai
    base_url: "{{p}}"
    allow_private_network: true
    account_strategy: round-robin
    account_options: { sticky: false }
    accounts:
      - { label: k1, key: sk-k1-000000001 }
      - { label: k2, key: sk-k2-000000002, enabled: ${k2Enabled} }
      - { label: k3, key: sk-k3-000000003 }
`;

describe('hot reload under traffic', () => {
  test('an account disabled mid-burst: requests in flight finish, later ones never use it and the rest still rotate evenly', async () => {
    r = await startRouting(['p'], accounts(true));
    r.mocks.p.script(Array.from({ length: 6 }, () => ({ firstByteDelayMs: 200 })));
    const inflight = Array.from({ length: 6 }, (_, i) => ask(r!.t, 'p/gpt-4o-mini', `early ${i}`));
    await r.mocks.p.waitFor(() => r!.mocks.p.requests.length === 6);
    await r.t.writeConfig(fill(accounts(false)));
    expect((await Promise.all(inflight)).map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(keyCounts(r, 'p')).toEqual({ 'sk-k1-000000001': 2, 'sk-k2-000000002': 2, 'sk-k3-000000003': 2 });

    const from = keysSeen(r.mocks.p).length;
    await spread(r, 'p/gpt-4o-mini', 10, 1);
    await spread(r, 'p/gpt-4o-mini', 10, 10);
    expect(keyCounts(r, 'p', from)).toEqual({ 'sk-k1-000000001': 10, 'sk-k3-000000003': 10 });

    // Enabled again: back in the rotation.
    await r.t.writeConfig(fill(accounts(true)));
    const again = keysSeen(r.mocks.p).length;
    await spread(r, 'p/gpt-4o-mini', 9, 9);
    expect(keyCounts(r, 'p', again)).toEqual({ 'sk-k1-000000001': 3, 'sk-k2-000000002': 3, 'sk-k3-000000003': 3 });
  });

  test('a provider removed: its names stop routing and leave /v1/models; the combo falls back to what is left', async () => {
    const config = (withB: boolean) => `
providers:
${mockProvider('a', undefined, 'models: [m]')}
${withB ? mockProvider('b', undefined, 'models: [m]') : ''}
combos:
  duo: { models: [${withB ? 'b/m, ' : ''}a/m] }
`;
    r = await startRouting(['a', 'b'], config(true));
    expect(await spread(r, 'duo', 3)).toEqual({ a: 0, b: 3 });
    await r.t.writeConfig(fill(config(false)));
    expect(await spread(r, 'duo', 3)).toEqual({ a: 3, b: 0 });
    expect((await ask(r.t, 'b/m')).status).toBe(404);
    const ids = ((await (await r.t.fetch('/v1/models')).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    expect(ids.sort()).toEqual(['a/m', 'duo']);
  });

  test('no stale plan: re-pointing a fill-first combo or an alias takes effect on the very next request', async () => {
    const config = (order: string, alias: string) => `
providers:
${mockProvider('a')}
${mockProvider('b')}
aliases:
  fast: ${alias}
combos:
  ff: { models: [${order}] }
`;
    r = await startRouting(['a', 'b'], config('a/m, b/m', 'a/m'));
    // Twice each: the second request is answered from the router's plan cache.
    expect(await servedOrder(r, 'ff', 2)).toEqual(['a', 'a']);
    expect(await servedOrder(r, 'fast', 2)).toEqual(['a', 'a']);
    await r.t.writeConfig(fill(config('b/m, a/m', 'b/m')));
    expect(await servedOrder(r, 'ff', 2)).toEqual(['b', 'b']);
    expect(await servedOrder(r, 'fast', 2)).toEqual(['b', 'b']);
  });

  test('round-robin over a combo keeps rotating fairly after a target is removed by a reload', async () => {
    const config = (models: string) => `
providers:
${mockProvider('a')}
${mockProvider('b')}
${mockProvider('c')}
combos:
  rr: { strategy: round-robin, models: [${models}], options: { sticky: false } }
`;
    r = await startRouting(['a', 'b', 'c'], config('a/m, b/m, c/m'));
    expect(await servedOrder(r, 'rr', 4)).toEqual(['a', 'b', 'c', 'a']);
    await r.t.writeConfig(fill(config('a/m, c/m')));
    expect(await spread(r, 'rr', 10)).toEqual({ a: 5, b: 0, c: 5 });
  });
});

describe('a key removed from `keys:` by a reload', () => {
  // `keys:` accounts are named by position (key-1, key-2 …): the cooldown book tells the secrets
  // apart, so the key that moves into a removed key's place does not inherit its cooldown.
  test('does not hand its cooldown to the key that takes its place in the list', async () => {
    const config = (keys: string[]) => `
providers:
${mockProvider('p', keys)}
plugins:
  - cooldown
`;
    r = await startRouting(['p'], config(['sk-k1-000000001', 'sk-k2-000000002', 'sk-k3-000000003']));
    r.mocks.p.script([{ status: 429, retryAfter: 3600 }]);
    expect((await ask(r.t, 'p/m')).status).toBe(200);
    expect(keysSeen(r.mocks.p)).toEqual(['sk-k1-000000001', 'sk-k2-000000002']);
    // The operator drops the rate-limited key: k2 is now first and has never been rate-limited.
    await r.t.writeConfig(fill(config(['sk-k2-000000002', 'sk-k3-000000003'])));
    await spread(r, 'p/m', 3);
    expect(keysSeen(r.mocks.p).slice(2)).toEqual(Array(3).fill('sk-k2-000000002'));
  });
});
