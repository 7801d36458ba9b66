import { privateDatabaseFile } from './private-file.ts';
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations } from './apply-migrations.ts';
import { createChangeMarker, type ChangeMarker } from './change-marker.ts';
import { createDrizzle, type DbHandle, type SwitchyardDb } from './orm.ts';

export type { SwitchyardDb } from './orm.ts';

/**
 * An open database: the raw bun:sqlite handle (prepared hot statements) and drizzle on top,
 * made on first use of `db` (see `orm.ts`).
 */
export interface OpenedDatabase extends DbHandle {
  /** How long applying migrations took at open, in ms (start-up diagnostics). */
  readonly migrateMs: number;
  /** Moves whenever anything (any process) committed: lets caches of rows stay exact. */
  readonly changes: ChangeMarker;
  /** Closes the handle. Flush writers that use it first. Safe to call twice. */
  close(): void;
}

/** The folder of generated SQL migrations shipped beside this file. */
export const MIGRATIONS_DIR = join(import.meta.dir, 'migrations');

/** The database file inside a data dir. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'switchyard.db');
}

/**
 * Opens (creating if needed) `<dataDir>/switchyard.db`, sets the pragmas the gateway relies
 * on (WAL so readers never block the writer, NORMAL sync: a crash of the process loses nothing
 * committed, an OS crash at most the last transactions; 5 s busy timeout so the CLI and the
 * server can share the file) and applies pending migrations.
 *
 * Errors: throws when the folder cannot be created, the file is not a SQLite database, or a
 * migration fails (the handle is closed before rethrowing).
 */
export function openDatabase(dataDir: string): OpenedDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = databasePath(dataDir);
  privateDatabaseFile(file);
  return open(new Database(file, { create: true, strict: true }), file);
}

/** An in-memory database with the full schema, for tests. */
export function openMemoryDatabase(): OpenedDatabase {
  return open(new Database(':memory:', { strict: true }), undefined);
}

/** `file` (a WAL database) or undefined (in memory). */
function open(sqlite: Database, file: string | undefined): OpenedDatabase {
  try {
    if (file) sqlite.exec('PRAGMA journal_mode = WAL');
    sqlite.exec('PRAGMA synchronous = NORMAL');
    sqlite.exec('PRAGMA busy_timeout = 5000');
    sqlite.exec('PRAGMA foreign_keys = ON');
    const started = performance.now();
    applyMigrations(sqlite, MIGRATIONS_DIR);
    const migrateMs = performance.now() - started;
    let closed = false;
    let db: SwitchyardDb | undefined;
    const changes = createChangeMarker(sqlite, file);
    return {
      sqlite,
      get db() {
        return (db ??= createDrizzle(sqlite));
      },
      migrateMs,
      changes,
      close() {
        if (closed) return;
        closed = true;
        changes.close();
        sqlite.close();
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
