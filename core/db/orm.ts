import type { Database } from 'bun:sqlite';
import type * as DrizzleOrm from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import type * as Schema from './schema.ts';

/** The drizzle database type of Switchyard (schema-aware). */
export type SwitchyardDb = BunSQLiteDatabase<typeof Schema>;

/** What repositories are built on: the raw handle, and drizzle made on first use. */
export interface DbHandle {
  readonly sqlite: Database;
  /** Loads drizzle and the schema the first time it is read. */
  readonly db: SwitchyardDb;
}

/*
 * drizzle-orm and the table definitions are loaded on first use, not at start-up: a gateway
 * that only proxies never builds an ORM query (its hot statements are prepared on the raw
 * handle), and loading them at start-up cost 4.5 MB of idle resident memory on the bench
 * (68.6 → 64.1 MB) and 110 modules. Repositories ask for `orm()` / `tables()` inside the methods that
 * build drizzle queries; `require` loads a module synchronously, once.
 */

/** drizzle-orm's operators (`eq`, `and`, `desc`…). */
export function orm(): typeof DrizzleOrm {
  return esm().operators;
}

/** The tables of `schema.ts`. */
export function tables(): typeof Schema {
  return require('./schema.ts') as typeof Schema;
}

/** A drizzle database over `sqlite`, with the schema. */
export function createDrizzle(sqlite: Database): SwitchyardDb {
  return esm().drizzle({ client: sqlite, schema: tables() });
}

function esm(): typeof import('./drizzle-esm.ts') {
  return require('./drizzle-esm.ts') as typeof import('./drizzle-esm.ts');
}
