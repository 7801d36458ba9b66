import type { Database, Statement } from 'bun:sqlite';
import { openText, sealText } from '../../../core/crypto/sealed-text.ts';
import { openSideDatabase, type SideSchema } from '../../../core/db/open-side-database.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';

/** One stored entry as the database holds it. */
export interface CacheRow {
  sig: string;
  scope: string;
  model: string;
  created_at: number;
  expires_at: number;
  cost_usd: number;
  bytes: number;
  /** The normalized reply as JSON. */
  result: string;
  /** Semantic bucket and unit vector (float32 bytes), when the entry has one. */
  bucket: string | null;
  vector: Uint8Array | null;
}

/** Version 2: `result` may be sealed (`sealed_with` names the key). A version-1 file loses its entries (a cache). */
const SCHEMA: SideSchema = {
  version: 2,
  upgrade: (db) => db.exec('DROP TABLE IF EXISTS cache_entries'),
  sql: `
CREATE TABLE IF NOT EXISTS cache_entries (
  sig TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  model TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL,
  result BLOB NOT NULL,
  sealed_with TEXT,
  bucket TEXT,
  vector BLOB
);
CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries (expires_at);
CREATE TABLE IF NOT EXISTS cache_counters (name TEXT PRIMARY KEY, value REAL NOT NULL);
`,
};

/**
 * The cache's own SQLite file (`<data-dir>/cache.db`, WAL): its own schema, apart from the
 * gateway database, so the cache can be dropped by deleting one file. Every write is one
 * prepared statement in autocommit; a crash loses nothing that was written. With a `box` the
 * stored replies are sealed with the gateway's key ring (bound to the entry's signature and
 * scope); an entry that no longer opens (its key rotated away) is dropped at load.
 * Throws when the file cannot be opened (the plugin's setup then fails and is reported).
 */
export class CacheDb {
  private readonly db: Database;
  private readonly insert: Statement;
  private readonly del: Statement;
  private readonly dropVector: Statement;
  private readonly bump: Statement;

  constructor(file: string, private readonly box?: SecretBox) {
    this.db = openSideDatabase(file, SCHEMA);
    this.insert = this.db.prepare(
      `INSERT OR REPLACE INTO cache_entries (sig, scope, model, created_at, expires_at, cost_usd, bytes, result, sealed_with, bucket, vector)
       VALUES ($sig, $scope, $model, $created_at, $expires_at, $cost_usd, $bytes, $result, $sealed_with, $bucket, $vector)`,
    );
    this.del = this.db.prepare('DELETE FROM cache_entries WHERE sig = ?');
    this.dropVector = this.db.prepare('UPDATE cache_entries SET bucket = NULL, vector = NULL WHERE sig = ?');
    this.bump = this.db.prepare(
      'INSERT INTO cache_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
  }

  /**
   * Deletes expired rows and answers the live ones, newest first, at most `limit` of them;
   * older rows past the limit are deleted too.
   */
  load(now: number, limit: number): CacheRow[] {
    this.db.query('DELETE FROM cache_entries WHERE expires_at <= ?').run(now);
    const stored = this.db.query('SELECT * FROM cache_entries ORDER BY created_at DESC LIMIT ?').all(limit) as StoredRow[];
    if (stored.length === limit) {
      this.db.query('DELETE FROM cache_entries WHERE sig NOT IN (SELECT sig FROM cache_entries ORDER BY created_at DESC LIMIT ?)').run(limit);
    }
    const rows: CacheRow[] = [];
    for (const { sealed_with, result, ...rest } of stored) {
      const text = openText(this.box, result, sealed_with, aadOf(rest.sig, rest.scope));
      if (text === undefined) this.del.run(rest.sig);
      else rows.push({ ...rest, result: text });
    }
    return rows;
  }

  put(row: CacheRow): void {
    const { payload, sealedWith } = sealText(this.box, row.result, aadOf(row.sig, row.scope));
    this.insert.run({ ...row, result: payload, sealed_with: sealedWith } as unknown as Record<string, string | number | null | Uint8Array>);
  }

  delete(sig: string): void {
    this.del.run(sig);
  }

  clear(): void {
    this.db.exec('DELETE FROM cache_entries');
  }

  /** The entry stays, its vector goes (semantic tier over its own limit). */
  clearVector(sig: string): void {
    this.dropVector.run(sig);
  }

  /** Adds the deltas to the stored counters in one transaction. */
  addCounters(deltas: Record<string, number>): void {
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(deltas)) if (value !== 0) this.bump.run(name, value);
    })();
  }

  counters(): Record<string, number> {
    const rows = this.db.query('SELECT name, value FROM cache_counters').all() as Array<{ name: string; value: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  close(): void {
    this.db.close();
  }
}

/** A row as the table holds it: the reply as bytes, sealed when `sealed_with` names the key. */
type StoredRow = Omit<CacheRow, 'result'> & { result: Uint8Array | string; sealed_with: string | null };

/** What a sealed reply is bound to: a blob copied to another entry does not open. */
function aadOf(sig: string, scope: string): string {
  return `cache:${sig}:${scope}`;
}
