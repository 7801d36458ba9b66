import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import { migrate } from 'drizzle-orm/bun-sqlite/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { applyMigrations } from './apply-migrations.ts';
import { MIGRATIONS_DIR } from './open-database.ts';

type Recorded = { hash: string; created_at: number };
const recorded = (db: Database) => db.query<Recorded, []>('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at').all()
  .map((r) => ({ hash: r.hash, created_at: Number(r.created_at) }));
/** Every table and index, DDL whitespace normalized. */
const schemaOf = (db: Database) => db.query<{ sql: string }, []>("SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all()
  .map((r) => r.sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')'));

describe('applyMigrations (drizzle-compatible, without loading drizzle)', () => {
  test('records the same hashes and times as drizzle, and builds the same schema', () => {
    const ours = new Database(':memory:');
    const theirs = new Database(':memory:');
    expect(applyMigrations(ours, MIGRATIONS_DIR)).toBeGreaterThan(0);
    migrate(drizzle({ client: theirs }), { migrationsFolder: MIGRATIONS_DIR });
    const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => ({ hash: m.hash, created_at: m.folderMillis }));
    expect(recorded(ours)).toEqual(expected);
    expect(recorded(theirs)).toEqual(expected);
    expect(schemaOf(ours)).toEqual(schemaOf(theirs));
  });

  test('either runner takes over from the other: nothing is applied twice', () => {
    const a = new Database(':memory:');
    migrate(drizzle({ client: a }), { migrationsFolder: MIGRATIONS_DIR });
    expect(applyMigrations(a, MIGRATIONS_DIR)).toBe(0);
    const b = new Database(':memory:');
    applyMigrations(b, MIGRATIONS_DIR);
    const before = recorded(b);
    migrate(drizzle({ client: b }), { migrationsFolder: MIGRATIONS_DIR });
    expect(recorded(b)).toEqual(before);
  });

  test('a failing migration keeps nothing of the batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-mig-'));
    try {
      const db = new Database(':memory:');
      mkdirSync(join(dir, 'meta'));
      writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ entries: [{ tag: '0000_a', when: 1 }, { tag: '0001_b', when: 2 }] }));
      writeFileSync(join(dir, '0000_a.sql'), 'CREATE TABLE a (x);');
      writeFileSync(join(dir, '0001_b.sql'), 'CREATE TABLE b (x);\n--> statement-breakpoint\nNOT SQL AT ALL;');
      expect(() => applyMigrations(db, dir)).toThrow(/syntax error/);
      expect(db.query("SELECT name FROM sqlite_master WHERE name IN ('a', 'b')").all()).toEqual([]);
      expect(recorded(db)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('opening the database and looking up keys does not load drizzle; the admin side loads it, once, on first use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lazy-'));
    try {
      const script = `
        import { openDatabase } from ${JSON.stringify(resolve(import.meta.dir, 'open-database.ts'))};
        import { createKeysRepo } from ${JSON.stringify(resolve(import.meta.dir, 'keys-repo.ts'))};
        const loaded = () => Object.keys(require.cache).some((k) => k.includes('drizzle-orm'));
        const o = openDatabase(${JSON.stringify(dir)});
        const keys = createKeysRepo(o);
        const { secret } = keys.createKey({ name: 'k' });
        const found = keys.findBySecret(secret) !== undefined && keys.hasActiveKey();
        const before = loaded();
        const listed = keys.list().length;
        void o.db;
        // One copy of drizzle: its ES build (schema.ts imports it), never the CommonJS one beside it.
        const commonJs = Object.keys(require.cache).filter((k) => k.includes('drizzle-orm') && k.endsWith('.cjs'));
        console.log(JSON.stringify({ found, before, after: loaded(), listed, commonJs }));
      `;
      const file = join(dir, 'probe.ts');
      writeFileSync(file, script);
      const r = Bun.spawnSync([process.execPath, file], { cwd: resolve(import.meta.dir, '../..') });
      expect(r.stderr.toString()).toBe('');
      expect(JSON.parse(r.stdout.toString())).toEqual({ found: true, before: false, after: true, listed: 1, commonJs: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
