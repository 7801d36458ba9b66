import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountsRepo } from '../db/accounts-repo.ts';
import { openDatabase } from '../db/open-database.ts';
import { open, seal } from './secret-box.ts';
import { KEY_FILE, keyRingOf, loadKeyRing, PREVIOUS_KEY_FILE, rotateKeyFile } from './secret-keys.ts';
import { secretsCommand } from './secrets-command.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sy-secrets-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Stores tokens the way the gateway does, with the data dir's current key. */
function storeTokens(dataDir: string, env: Record<string, string>, tokens: Record<string, string>): void {
  const db = openDatabase(dataDir);
  const repo = createAccountsRepo(db, loadKeyRing({ dataDir, env }));
  for (const [account, secret] of Object.entries(tokens)) repo.save({ provider: 'cc', accountId: account, secret });
  db.close();
}

function run(sub: string | undefined, dataDir: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = secretsCommand(sub, { dataDir, env, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function stored(dataDir: string, env: Record<string, string> = {}) {
  const db = openDatabase(dataDir);
  const ring = loadKeyRing({ dataDir, env });
  const repo = createAccountsRepo(db, ring);
  const rows = repo.list().map((a) => ({ account: a.accountId, keyId: a.keyId, secret: repo.readSecret('cc', a.accountId) }));
  db.close();
  return { rows, current: ring.current.id };
}

describe('rotateKeyFile and a ring that follows its files', () => {
  test('a new 0600 key file, the old key kept in secret.key.previous; a ring loaded before sees both', () => {
    const dir = tempDir();
    let now = 1_000_000;
    const ring = loadKeyRing({ dataDir: dir, env: {}, now: () => now });
    const before = ring.current.id;
    const old = seal(ring, 'sealed-before', 'p/a');
    const r = rotateKeyFile(dir);
    expect(r.previous).toBe(before);
    expect(r.current).not.toBe(before);
    for (const f of [KEY_FILE, PREVIOUS_KEY_FILE]) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, PREVIOUS_KEY_FILE), 'utf8').trim().split('\n')).toHaveLength(1);
    // The ring of a gateway that was running: it seals with the new key within a second (it
    // looks at the files at most once a second), and opens both.
    now += 500;
    expect(ring.current.id).toBe(before);
    now += 500;
    expect(ring.current.id).toBe(r.current);
    const fresh = seal(ring, 'sealed-after', 'p/a');
    expect(fresh.keyId).toBe(r.current);
    const later = loadKeyRing({ dataDir: dir, env: {} });
    expect(open(later, old.blob, old.keyId, 'p/a')).toBe('sealed-before');
    expect(open(later, fresh.blob, fresh.keyId, 'p/a')).toBe('sealed-after');
    // A second rotation keeps both earlier keys.
    rotateKeyFile(dir);
    expect(open(loadKeyRing({ dataDir: dir, env: {} }), old.blob, old.keyId, 'p/a')).toBe('sealed-before');
  });
});

describe('switchyard secrets', () => {
  test('rotate: every stored token re-encrypted with the new key, and still readable', () => {
    const dir = tempDir();
    storeTokens(dir, {}, { a: 'token-a', b: 'token-b' });
    const oldKey = stored(dir).current;
    const r = run('rotate', dir);
    expect(r.code).toBe(0);
    const after = stored(dir);
    expect(after.current).not.toBe(oldKey);
    expect(after.rows).toEqual([
      { account: 'a', keyId: after.current, secret: 'token-a' },
      { account: 'b', keyId: after.current, secret: 'token-b' },
    ]);
    expect(r.out).toContain(`the previous key ${oldKey} is kept in`);
    expect(r.out).toContain('Re-encrypted 2 stored tokens');
    expect(r.out).toContain(`key ${after.current} (current): 2 stored tokens`);
    expect(r.out + r.err).not.toContain('token-a');
  });

  test('reseal after moving SWITCHYARD_SECRET_KEY: the previous key opens, the new one seals', () => {
    const dir = tempDir();
    const v1 = { SWITCHYARD_SECRET_KEY: 'first-env-key-passphrase' };
    storeTokens(dir, v1, { a: 'token-a' });
    const v2 = { SWITCHYARD_SECRET_KEY: 'second-env-key-passphrase', SWITCHYARD_SECRET_KEY_PREVIOUS: 'first-env-key-passphrase' };
    expect(run('rotate', dir, v2)).toMatchObject({ code: 2, err: expect.stringContaining('SWITCHYARD_SECRET_KEY_PREVIOUS') });
    const r = run('reseal', dir, v2);
    expect(r.code).toBe(0);
    expect(stored(dir, { SWITCHYARD_SECRET_KEY: 'second-env-key-passphrase' }).rows).toEqual([
      { account: 'a', keyId: keyRingOf('second-env-key-passphrase').current.id, secret: 'token-a' },
    ]);
  });

  test('a token no known key opens is left as it is and reported; exit 1', () => {
    const dir = tempDir();
    storeTokens(dir, { SWITCHYARD_SECRET_KEY: 'a-key-that-gets-lost' }, { lost: 'token-lost' });
    storeTokens(dir, {}, { kept: 'token-kept' });
    const r = run('reseal', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('1 stored token could not be opened');
    expect(r.out).toContain('Re-encrypted 0 stored tokens');
  });

  test('an unknown subcommand prints the usage', () => {
    expect(run(undefined, tempDir())).toMatchObject({ code: 2, err: 'Usage: switchyard secrets rotate | secrets reseal' });
  });
});
