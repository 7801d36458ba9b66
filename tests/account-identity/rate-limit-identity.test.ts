import { afterEach, describe, expect, test } from 'bun:test';
import { keysSeen, startRouting, type Routing } from '../routing/routing-kit.ts';
import { identityConfig, K1, K2, K3, reload, seenSince, servedBy } from './identity-kit.ts';

/**
 * Rate-limit counts belong to the key that made the requests, not to the key's place in
 * `keys:`: removing key-1 right after it hit its limit moves key-2 into its id with no count.
 * Per-account limits still name accounts by id (`accounts: { key-1: … }`): they apply to
 * whichever key has it now.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const limits = (extra = '') => `  - rate-limit: { providers: { p: { accounts: { key-1: { rpm: 1 } } } }${extra} }`;

describe('rate limit: counts follow the key', () => {
  test('removing key-1 at its limit: the key that moves into key-1 serves at once, under key-1\'s limit', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], limits()));
    // key-1 takes its one request a minute; the next request falls back to key-2.
    expect([await servedBy(r), await servedBy(r)]).toEqual([K1, K2]);

    await reload(r, identityConfig([K2, K3], limits()));
    const from = keysSeen(r.mocks.p).length;
    // K2 is key-1 now: it starts with no count, and key-1's rpm: 1 applies to it.
    expect([await servedBy(r), await servedBy(r)]).toEqual([K2, K3]);
    expect(seenSince(r, from)).toEqual([K2, K3]);
  });

  test('a reload that keeps the keys keeps the counts (its settings edited, too)', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], limits()));
    expect(await servedBy(r)).toBe(K1);

    await reload(r, `${identityConfig([K1, K2, K3], limits())}aliases: { fast: p/m }\n`);
    expect(await servedBy(r)).toBe(K2);
    await reload(r, identityConfig([K1, K2, K3], limits(', max_wait_ms: 1000')));
    expect(await servedBy(r)).toBe(K2);
    expect(keysSeen(r.mocks.p)).toEqual([K1, K2, K2]);
  });
});
