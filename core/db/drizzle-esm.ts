/**
 * drizzle-orm as ES modules, for `orm.ts` to `require` on first use. A bare
 * `require('drizzle-orm')` resolves drizzle's CommonJS build while `schema.ts` and the admin's
 * static imports get its ES build: both copies (~220 modules) stayed loaded.
 */
export * as operators from 'drizzle-orm';
export { drizzle } from 'drizzle-orm/bun-sqlite';
