import { afterEach, describe, expect, test } from 'bun:test';
import { keysSeen, startRouting, type Routing } from '../routing/routing-kit.ts';
import { accountStates, identityConfig, K1, K2, K3, reload, seenSince, servedBy } from './identity-kit.ts';

/**
 * A quota counts the usage of the key that spent it, not of the key's place in `keys:`: removing
 * key-1 after it used up its quota moves key-2 into its id, and that key has spent nothing.
 * Rules still name accounts by id (`account: key-1`): they apply to whichever key has it now.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const quota = (requests: number, extra = '') => `  - quota: { ${extra}rules: [ { provider: p, account: key-1, window: 1h, requests: ${requests} } ] }`;
const exhausted = (r: Routing) => accountStates<{ provider: string; account: string | null; exhausted: boolean }>(r, '/api/quota', 'quotas', 'exhausted');

describe('quota: spent quota follows the key', () => {
  test('removing key-1 with its quota spent: the key that moves into key-1 serves at once, with a quota of its own', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], quota(2)));
    expect([await servedBy(r), await servedBy(r), await servedBy(r)]).toEqual([K1, K1, K2]);
    expect(await exhausted(r)).toEqual({ 'key-1': true });

    await reload(r, identityConfig([K2, K3], quota(2)));
    expect(await exhausted(r)).toEqual({ 'key-1': false });
    const from = keysSeen(r.mocks.p).length;
    expect(await servedBy(r)).toBe(K2);
    // An edit of the quota settings makes a new instance, which rebuilds its counters from the
    // usage table: key-1's rows from before the move are K1's and do not count for K2.
    await reload(r, identityConfig([K2, K3], quota(2, 'time_zone: UTC, ')));
    expect(await exhausted(r)).toEqual({ 'key-1': false });
    // K2 spends its own two requests as key-1, then key-2 (K3) serves.
    expect([await servedBy(r), await servedBy(r)]).toEqual([K2, K3]);
    expect(seenSince(r, from)).toEqual([K2, K2, K3]);
  });

  test('a reload that keeps the keys keeps the quota spent (its settings edited, too)', async () => {
    r = await startRouting(['p'], identityConfig([K1, K2, K3], quota(1)));
    expect(await servedBy(r)).toBe(K1);

    await reload(r, `${identityConfig([K1, K2, K3], quota(1))}aliases: { fast: p/m }\n`);
    expect(await exhausted(r)).toEqual({ 'key-1': true });
    expect(await servedBy(r)).toBe(K2);
    await reload(r, identityConfig([K1, K2, K3], quota(1, 'time_zone: UTC, ')));
    expect(await exhausted(r)).toEqual({ 'key-1': true });
    expect(await servedBy(r)).toBe(K2);
    expect(keysSeen(r.mocks.p)).toEqual([K1, K2, K2]);
  });
});
