/**
 * drizzle-kit settings: `bunx drizzle-kit generate` writes SQL migrations for the SQLite schema
 * into core/db/migrations; `openDatabase` applies them at start-up (drizzle-kit migrate is not
 * used, it needs better-sqlite3).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './core/db/schema.ts',
  out: './core/db/migrations',
});
