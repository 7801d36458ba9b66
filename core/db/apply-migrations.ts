import type { Database } from 'bun:sqlite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The table drizzle's migrator keeps, and the layout it gives it. */
const TABLE = '__drizzle_migrations';

interface JournalEntry {
  tag: string;
  when: number;
}

/**
 * Applies the drizzle-kit migrations of `folder` (`meta/_journal.json` and `<tag>.sql`) that
 * the database has not seen, exactly as drizzle's own SQLite migrator does, with the same
 * bookkeeping table, so either can take over from the other: a migration is applied when its
 * journal time is newer than the last recorded one; each file is split on
 * `--> statement-breakpoint`; its SHA-256 is recorded. All pending migrations run in one
 * transaction. Done here so that start-up does not load the ORM (see `orm.ts`).
 *
 * Errors: throws when the journal or a file is missing or a statement fails (nothing of the
 * batch is kept).
 */
export function applyMigrations(sqlite: Database, folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  sqlite.run(`CREATE TABLE IF NOT EXISTS "${TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const last = sqlite.query<{ created_at: number | string }, []>(`SELECT created_at FROM "${TABLE}" ORDER BY created_at DESC LIMIT 1`).get();
  const lastAt = last ? Number(last.created_at) : undefined;
  const pending = journal.entries.filter((e) => lastAt === undefined || lastAt < e.when);
  if (pending.length === 0) return 0;
  const record = sqlite.prepare(`INSERT INTO "${TABLE}" ("hash", "created_at") VALUES (?, ?)`);
  sqlite.transaction(() => {
    for (const e of pending) {
      const text = readFileSync(join(folder, `${e.tag}.sql`), 'utf8');
      for (const stmt of text.split('--> statement-breakpoint')) if (stmt.trim()) sqlite.run(stmt);
      record.run(new Bun.CryptoHasher('sha256').update(text).digest('hex'), e.when);
    }
  })();
  return pending.length;
}
