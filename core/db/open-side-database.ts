import { privateDatabaseFile } from './private-file.ts';
import { Database } from 'bun:sqlite';

/** A plugin's own SQLite file: its schema, the version that schema is, and how to move an older file to it. */
export interface SideSchema {
  /** `CREATE ... IF NOT EXISTS` statements: run at every open. */
  sql: string;
  version: number;
  /** Runs before `sql` when the file holds an older schema (`from` ≥ 1). */
  upgrade?(db: Database, from: number): void;
}

/**
 * Opens (creating if needed) a plugin's own SQLite file beside the gateway database (the
 * response cache, stored Responses): WAL with NORMAL sync like the gateway database, a 2 s busy
 * timeout, the schema applied and `user_version` set to its version. Deleting the file forgets
 * what the plugin stored and nothing else.
 *
 * Errors: throws when the file cannot be opened or was written by a newer gateway (a higher
 * `user_version` than `schema.version`); the handle is closed first.
 */
export function openSideDatabase(file: string, schema: SideSchema): Database {
  privateDatabaseFile(file);
  const db = new Database(file, { create: true, strict: true });
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;');
    const version = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version > schema.version) {
      throw new Error(`${file} has schema ${version}, newer than this gateway understands (${schema.version})`);
    }
    if (version > 0 && version < schema.version) schema.upgrade?.(db, version);
    db.exec(schema.sql);
    if (version !== schema.version) db.exec(`PRAGMA user_version = ${schema.version}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
