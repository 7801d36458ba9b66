import { afterEach, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSideDatabase, type SideSchema } from './open-side-database.ts';

const dirs: string[] = [];
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'sy-side-'));
  dirs.push(d);
  return join(d, 'side.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const V1: SideSchema = { version: 1, sql: 'CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY)' };

function userVersion(db: Database): number {
  return (db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
}

describe('openSideDatabase', () => {
  test('creates the file in WAL with the schema and its version', () => {
    const db = openSideDatabase(tempFile(), V1);
    expect((db.query('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect((db.query('PRAGMA synchronous').get() as { synchronous: number }).synchronous).toBe(1);
    expect((db.query('PRAGMA busy_timeout').get() as { timeout: number }).timeout).toBe(2000);
    expect(userVersion(db)).toBe(1);
    db.query('INSERT INTO items (id) VALUES (?)').run('a');
    db.close();
  });

  test('reopening keeps the rows and does not call upgrade', () => {
    const file = tempFile();
    const first = openSideDatabase(file, V1);
    first.query('INSERT INTO items (id) VALUES (?)').run('a');
    first.close();
    const calls: number[] = [];
    const again = openSideDatabase(file, { ...V1, upgrade: (_db, from) => calls.push(from) });
    expect(again.query('SELECT id FROM items').all()).toEqual([{ id: 'a' }]);
    expect(calls).toEqual([]);
    again.close();
  });

  test('an older file is upgraded before the schema runs, then carries the new version', () => {
    const file = tempFile();
    openSideDatabase(file, V1).close();
    const calls: number[] = [];
    const v2: SideSchema = {
      version: 2,
      sql: 'CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, size INTEGER NOT NULL)',
      upgrade: (db, from) => {
        calls.push(from);
        db.exec('DROP TABLE items');
      },
    };
    const db = openSideDatabase(file, v2);
    expect(calls).toEqual([1]);
    expect(userVersion(db)).toBe(2);
    db.query('INSERT INTO items (id, size) VALUES (?, ?)').run('a', 3);
    db.close();
  });

  test('a file from a newer gateway is refused, naming both versions, and left as it was', () => {
    const file = tempFile();
    openSideDatabase(file, { ...V1, version: 3 }).close();
    expect(() => openSideDatabase(file, V1)).toThrow(`${file} has schema 3, newer than this gateway understands (1)`);
    const raw = new Database(file);
    expect(userVersion(raw)).toBe(3);
    raw.close();
  });
});
