import { afterEach, describe, expect, test } from 'bun:test';
import { keysSeen, startRouting, type Routing } from '../routing/routing-kit.ts';
import { accountStates, identityConfig, K1, K2, K3, reload, seenSince, servedBy } from './identity-kit.ts';

/**
 * An account's breaker belongs to the key whose failures opened it, not to the key's place in
 * `keys:`: removing a dead key-1 moves key-2 into its id, and that key must not start out open.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

// Two failures open an account's breaker; the provider's own breaker never sees two in a row
// (key-2's success in between resets it), so only key-1's opens.
const breaker = (failures = 2) => `  - circuit-breaker: { failures: ${failures}, baseOpenMs: 600000, jitter: 0 }`;
const breakers = (r: Routing) => accountStates<{ provider: string; account: string | null; state: string }>(r, '/api/breakers', 'breakers', 'state');

/** key-1 (K1) answers 500 twice: its breaker opens; key-2 (K2) serves both requests. */
async function openKey1(r: Routing): Promise<void> {
  for (let i = 0; i < 2; i++) {
    r.mocks.p.script([{ status: 500 }]);
    expect(await servedBy(r)).toBe(K2);
  }
  expect(keysSeen(r.mocks.p)).toEqual([K1, K2, K1, K2]);
  expect(await breakers(r)).toMatchObject({ 'key-1': 'open', 'key-2': 'closed' });
}

describe('circuit breaker: state follows the key', () => {
  test('removing key-1 with an open breaker: the key that moves into key-1 serves at once', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], breaker()));
    await openKey1(r);

    await reload(r, identityConfig([K2, K3], breaker()));
    expect((await breakers(r))['key-1']).toBe('closed');
    const from = keysSeen(r.mocks.p).length;
    expect([await servedBy(r), await servedBy(r)]).toEqual([K2, K2]);
    expect(seenSince(r, from)).toEqual([K2, K2]);
  });

  test('a reload that keeps the keys keeps the breaker open (its settings edited, too)', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], breaker()));
    await openKey1(r);

    // Same keys, another alias: the plugin instance stays. Then its own settings change: a new
    // instance takes over the kept breakers.
    await reload(r, `${identityConfig([K1, K2, K3], breaker())}aliases: { fast: p/m }\n`);
    expect((await breakers(r))['key-1']).toBe('open');
    await reload(r, identityConfig([K1, K2, K3], breaker(3)));
    expect((await breakers(r))['key-1']).toBe('open');
    const from = keysSeen(r.mocks.p).length;
    expect([await servedBy(r), await servedBy(r)]).toEqual([K2, K2]);
    expect(seenSince(r, from)).toEqual([K2, K2]);
  });
});
