import { describe, expect, test } from 'bun:test';
import { keyRingOf } from '../crypto/secret-keys.ts';
import { createAccountsRepo } from './accounts-repo.ts';
import { openMemoryDatabase } from './open-database.ts';

describe('accounts repository', () => {
  test('save, list, read the secret back; the row holds ciphertext and the key id', () => {
    const h = openMemoryDatabase();
    let t = 1000;
    const ring = keyRingOf('k1');
    const repo = createAccountsRepo(h, ring, { now: () => t });
    repo.save({ provider: 'cc', accountId: 'me@x', label: 'me', secret: '{"accessToken":"canary-at-123"}', meta: { kind: 'oauth' } });
    t = 2000;
    repo.save({ provider: 'cx', accountId: 'acc', secret: 'other' });
    expect(repo.list().map((a) => a.accountId)).toEqual(['me@x', 'acc']);
    expect(repo.list('cc')).toHaveLength(1);
    expect(repo.readSecret('cc', 'me@x')).toBe('{"accessToken":"canary-at-123"}');
    const raw = h.sqlite.query('SELECT secret, key_id FROM accounts WHERE provider = ?').get('cc') as { secret: Uint8Array; key_id: string };
    expect(Buffer.from(raw.secret).toString('latin1')).not.toContain('canary');
    expect(raw.key_id).toBe(ring.current.id);
    expect(repo.get('cc', 'me@x')).toMatchObject({ label: 'me', state: 'active', meta: { kind: 'oauth' }, keyId: ring.current.id });
  });

  test('state, meta merge, secret replace, remove', () => {
    const repo = createAccountsRepo(openMemoryDatabase(), keyRingOf('k1'));
    repo.save({ provider: 'cc', accountId: 'a', secret: 's1', meta: { a: 1, b: 2 } });
    expect(repo.setState('cc', 'a', 'needs-reauth')).toBe(true);
    expect(repo.get('cc', 'a')?.state).toBe('needs-reauth');
    repo.mergeMeta('cc', 'a', { b: undefined, c: 3 });
    expect(repo.get('cc', 'a')?.meta).toEqual({ a: 1, c: 3 });
    expect(repo.setSecret('cc', 'a', 's2')).toBe(true);
    expect(repo.readSecret('cc', 'a')).toBe('s2');
    expect(repo.setSecret('cc', 'missing', 's')).toBe(false);
    expect(repo.remove('cc', 'a')).toBe(true);
    expect(repo.get('cc', 'a')).toBeUndefined();
  });

  test('reseal moves rows to the current key; unknown keys are counted, not lost', () => {
    const h = openMemoryDatabase();
    createAccountsRepo(h, keyRingOf('old')).save({ provider: 'p', accountId: 'a', secret: 'tok-a' });
    createAccountsRepo(h, keyRingOf('lost')).save({ provider: 'p', accountId: 'b', secret: 'tok-b' });
    const repo = createAccountsRepo(h, keyRingOf('new', 'old'));
    expect(repo.reseal()).toEqual({ moved: 1, failed: 1 });
    expect(repo.get('p', 'a')?.keyId).toBe(keyRingOf('new').current.id);
    expect(createAccountsRepo(h, keyRingOf('new')).readSecret('p', 'a')).toBe('tok-a');
  });

  test('reseal never puts back an older token: a refresh the gateway writes meanwhile is what ends up sealed', () => {
    const h = openMemoryDatabase();
    const gateway = createAccountsRepo(h, keyRingOf('old'));
    gateway.save({ provider: 'p', accountId: 'a', secret: 'rotated-away-refresh-1' });
    const ring = keyRingOf('new', 'old');
    let written = false;
    // The gateway (another process) stores a refreshed token while the CLI is between reading and writing the row.
    const racing = { ...ring, byId: (id: string) => {
      if (!written) {
        written = true;
        gateway.setSecret('p', 'a', 'refreshed-refresh-2');
      }
      return ring.byId(id);
    } };
    const cli = createAccountsRepo(h, racing);
    expect(cli.reseal()).toEqual({ moved: 1, failed: 0 });
    expect(cli.readSecret('p', 'a')).toBe('refreshed-refresh-2');
    expect(cli.get('p', 'a')?.keyId).toBe(ring.current.id);
  });
});
