import { afterEach, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeysRepo } from './keys-repo.ts';
import { databasePath, openDatabase, openMemoryDatabase, type OpenedDatabase } from './open-database.ts';

const dirs: string[] = [];
const open: OpenedDatabase[] = [];
function fileDb(): { dir: string; o: OpenedDatabase } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-marker-'));
  dirs.push(dir);
  const o = openDatabase(dir);
  open.push(o);
  return { dir, o };
}
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs SQL against the database from a separate process (as the CLI would). */
function otherProcess(file: string, sql: string): void {
  const script = `const { Database } = require('bun:sqlite'); const d = new Database(${JSON.stringify(file)}); d.exec('PRAGMA busy_timeout = 5000'); d.exec(${JSON.stringify(sql)}); d.close();`;
  const r = Bun.spawnSync([process.execPath, '-e', script]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
}

describe('database change marker', () => {
  test('WAL file: stays put without writes, moves on a commit by this connection, another connection or another process', () => {
    const { dir, o } = fileDb();
    const v0 = o.changes.version();
    expect(v0).toBeNumber();
    expect(o.changes.version()).toBe(v0!);
    o.sqlite.run("INSERT INTO audit_log (ts, actor, action, target) VALUES (1, 'a', 'b', 'c')");
    const v1 = o.changes.version();
    expect(v1).not.toBe(v0!);
    expect(o.changes.version()).toBe(v1!);

    const other = new Database(databasePath(dir));
    other.run("INSERT INTO audit_log (ts, actor, action, target) VALUES (2, 'a', 'b', 'c')");
    other.close();
    const v2 = o.changes.version();
    expect(v2).not.toBe(v1!);

    otherProcess(databasePath(dir), "INSERT INTO audit_log (ts, actor, action, target) VALUES (3, 'a', 'b', 'c')");
    const v3 = o.changes.version();
    expect(v3).not.toBe(v2!);
    expect(o.changes.version()).toBe(v3!);
    // Reads change nothing.
    o.sqlite.query('SELECT count(*) FROM audit_log').get();
    expect(o.changes.version()).toBe(v3!);
  });

  test('in memory: moves with every write of the one connection', () => {
    const o = openMemoryDatabase();
    open.push(o);
    const v0 = o.changes.version();
    expect(v0).toBeNumber();
    o.sqlite.run("INSERT INTO audit_log (ts, actor, action, target) VALUES (1, 'a', 'b', 'c')");
    expect(o.changes.version()).not.toBe(v0!);
  });

  test('closed: nothing may be cached any more', () => {
    const { o } = fileDb();
    expect(o.changes.version()).toBeNumber();
    o.close();
    expect(o.changes.version()).toBeUndefined();
  });

  test('keys repo: a cached key revoked by another process is refused on the very next lookup', () => {
    const { dir, o } = fileDb();
    const repo = createKeysRepo(o);
    const { secret, info } = repo.createKey({ name: 'cli-revoked' });
    for (let i = 0; i < 3; i++) expect(repo.findBySecret(secret)?.id).toBe(info.id); // cached by now
    otherProcess(databasePath(dir), `UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = '${info.id}'`);
    expect(repo.findBySecret(secret)).toBeUndefined();
  });

  test('keys repo: without a marker every lookup asks the database', () => {
    const { o } = fileDb();
    const repo = createKeysRepo({ sqlite: o.sqlite, db: o.db });
    const { secret, info } = repo.createKey({ name: 'plain' });
    expect(repo.findBySecret(secret)?.id).toBe(info.id);
    o.sqlite.run('UPDATE api_keys SET revoked_at = 1 WHERE id = ?', [info.id]);
    expect(repo.findBySecret(secret)).toBeUndefined();
  });
});
