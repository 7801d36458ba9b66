import { expect, test } from 'bun:test';
import { createTokenCache, type ExpiringToken } from './token-cache.ts';

function setup(maxEntries?: number) {
  let now = 1_000_000;
  let n = 0;
  const cache = createTokenCache<ExpiringToken>({ now: () => now, ...(maxEntries ? { maxEntries } : {}) });
  const fetch = (lifeMs = 3600_000) => async () => ({ token: `t${++n}`, expiresAt: now + lifeMs });
  return { cache, fetch, advance: (ms: number) => void (now += ms), calls: () => n };
}

test('reused until 5 min before expiry (or half its life); concurrent requests share one fetch', async () => {
  const s = setup();
  const both = await Promise.all([s.cache.get('a', s.fetch()), s.cache.get('a', s.fetch())]);
  expect(both.map((t) => t.token)).toEqual(['t1', 't1']);
  s.advance(54 * 60_000);
  expect((await s.cache.get('a', s.fetch())).token).toBe('t1');
  s.advance(2 * 60_000); // 4 min left
  expect((await s.cache.get('a', s.fetch(4 * 60_000))).token).toBe('t2');
  s.advance(60_000);
  expect((await s.cache.get('a', s.fetch())).token).toBe('t2');
  s.advance(60_000); // a 4-minute token is renewed at half its life
  expect((await s.cache.get('a', s.fetch())).token).toBe('t3');
  expect(s.calls()).toBe(3);
});

test('a failed fetch is not cached; a rejected token is replaced once; forget and the size bound drop entries', async () => {
  const s = setup(2);
  await expect(s.cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  expect((await s.cache.get('a', s.fetch())).token).toBe('t1');
  expect((await s.cache.afterRejection('a', 'old-token', s.fetch())).token).toBe('t1'); // already replaced
  expect((await s.cache.afterRejection('a', 't1', s.fetch())).token).toBe('t2');
  s.cache.forget('a');
  expect((await s.cache.get('a', s.fetch())).token).toBe('t3');
  await s.cache.get('b', s.fetch());
  await s.cache.get('c', s.fetch()); // 'a' is the oldest of three
  expect((await s.cache.get('a', s.fetch())).token).toBe('t6');
});
