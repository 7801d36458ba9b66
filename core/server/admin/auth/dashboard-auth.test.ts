import { afterEach, describe, expect, spyOn, test } from 'bun:test';
import { openMemoryDatabase, type OpenedDatabase } from '../../../db/open-database.ts';
import { createDashboardAuth } from './dashboard-auth.ts';

const open: OpenedDatabase[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function setup() {
  const db = openMemoryDatabase();
  open.push(db);
  return createDashboardAuth(db);
}

/**
 * `POST /api/auth/setup` is public. Hashing the password (argon2id, ~60 ms of CPU and 64 MB
 * each) before the token is known to be good let anyone burn the gateway's CPU with requests
 * carrying a made-up token, also long after setup was done.
 */
describe('setup: the password is hashed only for a usable token', () => {
  test('a wrong token, and any token once the password is set, cost no password hash', async () => {
    const auth = setup();
    const hash = spyOn(Bun.password, 'hash');
    try {
      expect(await auth.completeSetup('not-a-token', 'long enough password')).toEqual({ ok: false, reason: 'invalid_token' });
      expect(hash).toHaveBeenCalledTimes(0);

      const { token } = auth.createSetupToken();
      const spare = auth.createSetupToken().token;
      const done = await auth.completeSetup(token, 'long enough password');
      expect(done.ok).toBe(true);
      expect(hash).toHaveBeenCalledTimes(1);

      expect(await auth.completeSetup(token, 'long enough password')).toEqual({ ok: false, reason: 'setup_done' });
      expect(await auth.completeSetup(spare, 'long enough password')).toEqual({ ok: false, reason: 'setup_done' });
      expect(await auth.completeSetup('not-a-token', 'long enough password')).toEqual({ ok: false, reason: 'setup_done' });
      expect(hash).toHaveBeenCalledTimes(1);
    } finally {
      hash.mockRestore();
    }
  });

  test('two setups racing with two good tokens: one wins, the other is told setup is done', async () => {
    const auth = setup();
    const a = auth.createSetupToken().token;
    const b = auth.createSetupToken().token;
    const results = await Promise.all([auth.completeSetup(a, 'first password!'), auth.completeSetup(b, 'second password')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'setup_done' });
    expect((await auth.login('first password!')).ok || (await auth.login('second password')).ok).toBe(true);
  });
});
