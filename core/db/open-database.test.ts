import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath, openDatabase, openMemoryDatabase, type OpenedDatabase } from './open-database.ts';

const dirs: string[] = [];
const open: OpenedDatabase[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sy-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TABLES = ['accounts', 'api_keys', 'audit_log', 'request_bodies', 'usage'];

describe('openDatabase', () => {
  test('creates the file in a new data dir with the pragmas and every table', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const o = openDatabase(dir);
    open.push(o);
    expect(existsSync(databasePath(dir))).toBe(true);
    const pragma = (name: string) => Object.values(o.sqlite.query(`PRAGMA ${name}`).get() as object)[0];
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1); // NORMAL
    expect(pragma('busy_timeout')).toBe(5000);
    expect(pragma('foreign_keys')).toBe(1);
    const names = (o.sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of TABLES) expect(names).toContain(t);
    expect(o.migrateMs).toBeGreaterThanOrEqual(0);
    console.log(`migrations on a new file: ${o.migrateMs.toFixed(2)} ms`);
  });

  test('reopening applies no migration twice and keeps data', () => {
    const dir = tempDir();
    const a = openDatabase(dir);
    a.sqlite.run("INSERT INTO audit_log (ts, actor, action) VALUES (1, 'test', 'x')");
    const applied = a.sqlite.query('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number };
    a.close();
    a.close(); // idempotent
    const b = openDatabase(dir);
    open.push(b);
    expect(b.sqlite.query('SELECT COUNT(*) AS n FROM __drizzle_migrations').get()).toEqual(applied);
    expect(b.sqlite.query('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
    console.log(`migrations on an up-to-date file: ${b.migrateMs.toFixed(2)} ms`);
    expect(b.migrateMs).toBeLessThan(500);
  });

  test('a file that is not a database is refused', async () => {
    const dir = tempDir();
    await Bun.write(databasePath(dir), 'this is not sqlite, just some text that is long enough to be a header'.repeat(20));
    expect(() => openDatabase(dir)).toThrow();
  });

  test('openMemoryDatabase has the full schema', () => {
    const o = openMemoryDatabase();
    open.push(o);
    const names = (o.sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of TABLES) expect(names).toContain(t);
  });
});
