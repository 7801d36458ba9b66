import { afterEach, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeysRepo, generateSecret, hashSecret } from './keys-repo.ts';
import { databasePath, openDatabase, openMemoryDatabase, type OpenedDatabase } from './open-database.ts';

const dirs: string[] = [];
const open: OpenedDatabase[] = [];
function fileDb(): { dir: string; o: OpenedDatabase } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-keys-'));
  dirs.push(dir);
  const o = openDatabase(dir);
  open.push(o);
  return { dir, o };
}
function memDb(): OpenedDatabase {
  const o = openMemoryDatabase();
  open.push(o);
  return o;
}
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('keys repo', () => {
  test('hasActiveKey: false when every key is revoked or expired', () => {
    let t = 1_000;
    const repo = createKeysRepo(memDb(), { now: () => t });
    expect(repo.hasActiveKey()).toBe(false);
    const a = repo.createKey({ name: 'a' });
    expect(repo.hasActiveKey()).toBe(true);
    repo.revoke(a.info.id);
    expect(repo.hasActiveKey()).toBe(false);
    repo.createKey({ name: 'b', expiresAt: 2_000 });
    expect(repo.hasActiveKey()).toBe(true);
    t = 2_000;
    expect(repo.hasActiveKey()).toBe(false);
  });

  test('secrets are sy- plus 40 base62 characters and never repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = generateSecret();
      expect(s).toMatch(/^sy-[0-9A-Za-z]{40}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });

  test('only prefix and hash are stored: the secret is nowhere in the database files', () => {
    const { dir, o } = fileDb();
    const repo = createKeysRepo(o);
    const { secret, info } = repo.createKey({ name: 'ci' });
    o.sqlite.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const row = o.sqlite.query('SELECT prefix, hash FROM api_keys WHERE id = ?').get(info.id) as { prefix: string; hash: string };
    expect(row.prefix).toBe(secret.slice(0, 12));
    expect(row.hash).toBe(hashSecret(secret));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    o.close();
    const files = readdirSync(dir).filter((f) => f.startsWith('switchyard.db'));
    expect(files).toContain('switchyard.db');
    let sawHash = false;
    for (const f of files) {
      const bytes = readFileSync(join(dir, f)).toString('latin1');
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(secret.slice(3))).toBe(false);
      if (bytes.includes(row.hash)) sawHash = true;
    }
    expect(sawHash).toBe(true); // the scan really reads the stored rows
  });

  test('findBySecret returns the key info with scopes and limits', () => {
    const repo = createKeysRepo(memDb());
    const { secret, info } = repo.createKey({ name: 'app', scopes: ['chat'], limits: { rpm: 60, dailyBudgetUsd: 5 } });
    expect(info.id).toMatch(/^key_[0-9A-Za-z]{16}$/);
    expect(repo.findBySecret(secret)).toEqual({
      id: info.id, name: 'app', prefix: secret.slice(0, 12), scopes: ['chat'], limits: { rpm: 60, dailyBudgetUsd: 5 }, expiresAt: null,
    });
    expect(repo.findBySecret(secret + 'x')).toBeUndefined();
    expect(repo.findBySecret(generateSecret())).toBeUndefined();
    expect(repo.findBySecret('')).toBeUndefined();
    expect(repo.findBySecret('Bearer ' + secret)).toBeUndefined();
  });

  test('revoked and expired keys are not found', () => {
    let t = 1_000_000;
    const repo = createKeysRepo(memDb(), { now: () => t });
    const a = repo.createKey({ name: 'a' });
    const b = repo.createKey({ name: 'b', expiresAt: t + 1000 });
    expect(repo.findBySecret(b.secret)?.id).toBe(b.info.id);
    t += 1000;
    expect(repo.findBySecret(b.secret)).toBeUndefined();
    // Asked for, an expired key is answered (its refusal can say why); a revoked one never.
    expect(repo.findBySecret(b.secret, { includeExpired: true })?.expiresAt).toBe(t);
    expect(repo.revoke(a.info.id)?.revokedAt).toBe(t);
    expect(repo.findBySecret(a.secret)).toBeUndefined();
    expect(repo.findBySecret(a.secret, { includeExpired: true })).toBeUndefined();
    expect(repo.get(a.info.id)?.revokedAt).toBe(t);
  });

  test('revoke by display prefix, by a unique start of it, or by the whole secret', () => {
    const repo = createKeysRepo(memDb());
    const a = repo.createKey({ name: 'a' });
    const b = repo.createKey({ name: 'b' });
    const c = repo.createKey({ name: 'c' });
    const d = repo.createKey({ name: 'd' });
    expect(repo.revoke(a.info.prefix)?.id).toBe(a.info.id);
    expect(repo.revoke(d.info.prefix.slice(0, 9))?.id).toBe(d.info.id);
    expect(repo.revoke(b.secret)?.id).toBe(b.info.id);
    expect(repo.revoke('sy-%')).toBeUndefined();
    expect(repo.revoke('nope')).toBeUndefined();
    expect(() => repo.revoke('sy-')).not.toThrow(); // too short to be a prefix: no match
    expect(repo.findBySecret(c.secret)?.id).toBe(c.info.id);
    expect(repo.list().map((k) => k.name).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(repo.list().filter((k) => k.revokedAt !== null).length).toBe(3);
  });

  test('a prefix matches with its case: keys are base62, so the other case is another key', () => {
    const repo = createKeysRepo(memDb());
    const a = repo.createKey({ name: 'a' });
    const start = a.info.prefix.slice(0, 10);
    const swapped = 'sy-' + [...start.slice(3)].map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join('');
    if (swapped !== start) expect(repo.revoke(swapped)).toBeUndefined();
    expect(repo.revoke(start)?.id).toBe(a.info.id);
  });

  test('an ambiguous prefix is refused', () => {
    const o = memDb();
    const repo = createKeysRepo(o);
    const a = repo.createKey({ name: 'a' });
    const b = repo.createKey({ name: 'b' });
    o.sqlite.run("UPDATE api_keys SET prefix = 'sy-SAMEstart'");
    expect(() => repo.revoke('sy-SAME')).toThrow(/several keys/);
    expect(repo.findBySecret(a.secret)?.id).toBe(a.info.id);
    expect(repo.findBySecret(b.secret)?.id).toBe(b.info.id);
  });

  test('last_used_at is written at most once a minute per key', () => {
    let t = 5_000_000;
    const o = memDb();
    const repo = createKeysRepo(o, { now: () => t });
    const { secret, info } = repo.createKey({ name: 'x' });
    const lastUsed = () => repo.get(info.id)?.lastUsedAt;
    expect(lastUsed()).toBeNull();
    repo.findBySecret(secret);
    expect(lastUsed()).toBe(t);
    const first = t;
    t += 59_000;
    repo.findBySecret(secret);
    expect(lastUsed()).toBe(first);
    t += 1_000;
    repo.findBySecret(secret);
    expect(lastUsed()).toBe(t);
  });

  test('a key created or revoked by another connection is seen at once (no caching)', () => {
    const { dir, o } = fileDb();
    const server = createKeysRepo(o);
    const cliHandle = new Database(databasePath(dir));
    cliHandle.exec('PRAGMA busy_timeout = 5000');
    try {
      const secret = generateSecret();
      expect(server.findBySecret(secret)).toBeUndefined(); // a miss first: must not be cached
      cliHandle.run(
        'INSERT INTO api_keys (id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)',
        ['key_fromcli', 'cli', secret.slice(0, 12), hashSecret(secret), Date.now()],
      );
      expect(server.findBySecret(secret)?.id).toBe('key_fromcli');
      cliHandle.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [Date.now(), 'key_fromcli']);
      expect(server.findBySecret(secret)).toBeUndefined();
    } finally {
      cliHandle.close();
    }
  });

  test('lookup cost (prepared statement on the hash index)', () => {
    const { o } = fileDb();
    const repo = createKeysRepo(o);
    const secrets = Array.from({ length: 200 }, (_, i) => repo.createKey({ name: `k${i}` }).secret);
    const n = 20_000;
    for (let i = 0; i < 1000; i++) repo.findBySecret(secrets[i % secrets.length]!);
    let t0 = performance.now();
    for (let i = 0; i < n; i++) repo.findBySecret(secrets[i % secrets.length]!);
    const hitUs = ((performance.now() - t0) * 1000) / n;
    const miss = generateSecret();
    t0 = performance.now();
    for (let i = 0; i < n; i++) repo.findBySecret(miss);
    const missUs = ((performance.now() - t0) * 1000) / n;
    console.log(`findBySecret: ${hitUs.toFixed(2)} µs per hit, ${missUs.toFixed(2)} µs per miss (200 keys, file db)`);
    expect(hitUs).toBeLessThan(200);
  });
});
