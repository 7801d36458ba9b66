import { Database, type Statement } from 'bun:sqlite';

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

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cache_entries (
  sig TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  model TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL,
  result TEXT NOT NULL,
  bucket TEXT,
  vector BLOB
);
CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries (expires_at);
CREATE TABLE IF NOT EXISTS cache_counters (name TEXT PRIMARY KEY, value REAL NOT NULL);
`;

/**
 * The cache's own SQLite file (`<data-dir>/cache.db`, WAL): its own schema, apart from the
 * gateway database, so the cache can be dropped by deleting one file. Every write is one
 * prepared statement in autocommit; a crash loses nothing that was written.
 * Throws when the file cannot be opened (the plugin's setup then fails and is reported).
 */
export class CacheDb {
  private readonly db: Database;
  private readonly insert: Statement;
  private readonly del: Statement;
  private readonly dropVector: Statement;
  private readonly bump: Statement;

  constructor(file: string) {
    this.db = new Database(file, { create: true, strict: true });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;');
    const version = (this.db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version > SCHEMA_VERSION) throw new Error(`cache.db has schema ${version}, newer than this gateway understands (${SCHEMA_VERSION})`);
    this.db.exec(SCHEMA);
    this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    this.insert = this.db.prepare(
      `INSERT OR REPLACE INTO cache_entries (sig, scope, model, created_at, expires_at, cost_usd, bytes, result, bucket, vector)
       VALUES ($sig, $scope, $model, $created_at, $expires_at, $cost_usd, $bytes, $result, $bucket, $vector)`,
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
    const rows = this.db.query('SELECT * FROM cache_entries ORDER BY created_at DESC LIMIT ?').all(limit) as CacheRow[];
    if (rows.length === limit) {
      this.db.query('DELETE FROM cache_entries WHERE sig NOT IN (SELECT sig FROM cache_entries ORDER BY created_at DESC LIMIT ?)').run(limit);
    }
    return rows;
  }

  put(row: CacheRow): void {
    this.insert.run(row as unknown as Record<string, string | number | null | Uint8Array>);
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
