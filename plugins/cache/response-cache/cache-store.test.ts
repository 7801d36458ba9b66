import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openBox, seal } from '../../../core/crypto/secret-box.ts';
import { keyRingOf } from '../../../core/crypto/secret-keys.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { parseBytes, parseDuration } from './cache-config.ts';
import { CacheDb } from './cache-db.ts';
import { CacheStore, type CacheEntry, type StoreLimits } from './cache-store.ts';
import { normalize } from './vector-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-cache-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limits: StoreLimits = { ttlMs: 1000, maxEntries: 3, maxBytes: 10_000, maxVectors: 2 };
const result = (text: string): ChatResult => ({ id: 'r', model: 'm', content: [{ type: 'text', text }], finishReason: 'stop' });
const entry = (sig: string, now: number, over: Partial<CacheEntry> = {}): CacheEntry => ({
  sig, scope: 'k', model: 'm', result: result(sig), bytes: 100, createdAt: now, expiresAt: now + 1000, costUsd: 0.5, ...over,
});

test('LRU by count: the least recently used entry leaves first', () => {
  const s = new CacheStore(undefined, limits, 0);
  for (const sig of ['a', 'b', 'c']) s.put(entry(sig, 0));
  expect(s.get('a', 1)?.sig).toBe('a'); // a is now the most recently used
  s.put(entry('d', 2));
  expect(s.get('b', 3)).toBeUndefined();
  expect(s.get('a', 3)?.sig).toBe('a');
  expect(s.counters().evictions).toBe(1);
});

test('LRU by bytes, entries over the limit refused, expiry counted', () => {
  const s = new CacheStore(undefined, { ...limits, maxEntries: 100, maxBytes: 250 }, 0);
  s.put(entry('a', 0));
  s.put(entry('b', 0));
  s.put(entry('c', 0));
  expect(s.size).toBe(2);
  expect(s.totalBytes).toBe(200);
  expect(s.put(entry('huge', 0, { bytes: 300 }))).toBe(false);
  expect(s.get('b', 999)?.sig).toBe('b');
  expect(s.get('b', 1000)).toBeUndefined();
  expect(s.counters().expirations).toBe(1);
  expect(s.totalBytes).toBe(100);
});

test('semantic: nearest live entry; past maxVectors the oldest lose their vector but stay', () => {
  const s = new CacheStore(undefined, { ...limits, maxEntries: 10 }, 0);
  const v = (x: number[]) => ({ bucket: 'B', vector: normalize(x) });
  s.put(entry('a', 0, { semantic: v([1, 0]) }));
  s.put(entry('b', 0, { semantic: v([0, 1]) }));
  expect(s.nearest('B', normalize([1, 0.05]), 0.9, 1)?.entry.sig).toBe('a');
  s.put(entry('c', 0, { semantic: v([1, 0.1]) }));
  expect(s.vectorCount).toBe(2);
  expect(s.nearest('B', normalize([1, 0]), 0.9, 1)?.entry.sig).toBe('c');
  expect(s.get('a', 1)?.sig).toBe('a');
  expect(s.nearest('B', normalize([1, 0]), 0.9, 5000)).toBeUndefined(); // expired
});

test('a shorter ttl (config reload, restart) applies to the entries already stored', () => {
  const s = new CacheStore(undefined, { ...limits, ttlMs: 60_000, maxEntries: 10 }, 0);
  s.put(entry('a', 0, { expiresAt: 60_000, semantic: { bucket: 'B', vector: normalize([1, 0]) } }));
  s.put(entry('b', 5_000, { expiresAt: 65_000 }));
  expect(s.get('a', 20_000)?.sig).toBe('a');
  s.configure({ ...limits, ttlMs: 10_000, maxEntries: 10 });
  expect(s.get('a', 20_000)).toBeUndefined();
  expect(s.nearest('B', normalize([1, 0]), 0.9, 20_000)).toBeUndefined();
  expect(s.get('b', 14_000)?.sig).toBe('b'); // 9 s old: still inside the new ttl
  expect(s.get('b', 15_000)).toBeUndefined();
  // A longer ttl does not stretch what was stored under the shorter one.
  s.configure({ ...limits, ttlMs: 120_000, maxEntries: 10 });
  s.put(entry('c', 20_000, { expiresAt: 30_000 }));
  expect(s.get('c', 30_000)).toBeUndefined();

  const file = join(dir, 'ttl.db');
  let db = new CacheDb(file);
  new CacheStore(db, { ...limits, ttlMs: 60_000, maxEntries: 10 }, 0).put(entry('d', 0, { expiresAt: 60_000 }));
  db.close();
  db = new CacheDb(file);
  const reopened = new CacheStore(db, { ...limits, ttlMs: 10_000, maxEntries: 10 }, 20_000);
  expect(reopened.size).toBe(0);
  expect(reopened.get('d', 20_000)).toBeUndefined();
  db.close();
});

test('SQLite: entries, vectors and counters come back after a reopen; expired rows do not', () => {
  const file = join(dir, 'cache.db');
  let db = new CacheDb(file);
  let s = new CacheStore(db, { ...limits, maxEntries: 10 }, 0);
  s.put(entry('old', 0, { expiresAt: 500 }));
  s.put(entry('kept', 100, { semantic: { bucket: 'B', vector: normalize([3, 4]) } }));
  s.count('exact_hits', 2);
  s.count('saved_cost_usd', 0.25);
  s.flush();
  db.close();

  db = new CacheDb(file);
  s = new CacheStore(db, { ...limits, maxEntries: 10 }, 600);
  expect(s.size).toBe(1);
  expect(s.get('kept', 600)?.result).toEqual(result('kept'));
  expect(s.nearest('B', normalize([3, 4]), 0.999, 600)?.entry.sig).toBe('kept');
  expect(s.counters().exact_hits).toBe(2);
  expect(s.counters().saved_cost_usd).toBeCloseTo(0.25, 6);
  db.close();
});

test('SQLite with a box: replies are sealed in the file; one that no longer opens is dropped; a version-1 file starts empty', () => {
  const ring = (...keys: number[]) => keyRingOf(...keys.map((k) => Buffer.alloc(32, k).toString('base64')));
  const boxOf = (r: ReturnType<typeof ring>): SecretBox => ({ seal: (t, aad) => seal(r, t, aad), open: (b, k, aad) => openBox(r, b, k, aad) });
  const file = join(dir, 'sealed.db');
  let db = new CacheDb(file, boxOf(ring(1)));
  let s = new CacheStore(db, { ...limits, maxEntries: 10 }, 0);
  s.put(entry('sig-1', 0, { result: result('CANARY-reply-91') }));
  s.flush();
  db.close();
  const bytes = readFileSync(file).toString('latin1') + (existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).toString('latin1') : '');
  expect(bytes.includes('CANARY-reply-91')).toBe(false);
  db = new CacheDb(file, boxOf(ring(1)));
  s = new CacheStore(db, { ...limits, maxEntries: 10 }, 1);
  expect(s.get('sig-1', 1)?.result).toEqual(result('CANARY-reply-91'));
  db.close();
  db = new CacheDb(file, boxOf(ring(2)));
  expect(new CacheStore(db, { ...limits, maxEntries: 10 }, 1).size).toBe(0);
  db.close();

  const old = join(dir, 'v1.db');
  const raw = new Database(old);
  raw.exec("CREATE TABLE cache_entries (sig TEXT PRIMARY KEY, scope TEXT, model TEXT, created_at INTEGER, expires_at INTEGER, cost_usd REAL, bytes INTEGER, result TEXT, bucket TEXT, vector BLOB); INSERT INTO cache_entries VALUES ('x', 'k', 'm', 0, 9999999999999, 0, 1, '{}', NULL, NULL); PRAGMA user_version = 1;");
  raw.close();
  db = new CacheDb(old);
  expect(new CacheStore(db, { ...limits, maxEntries: 10 }, 1).size).toBe(0);
  db.close();
});

test('durations and sizes as written in the YAML', () => {
  expect(parseDuration('30m')).toBe(1_800_000);
  expect(parseDuration('1.5s')).toBe(1500);
  expect(parseDuration(250)).toBe(250);
  expect(parseDuration('soon')).toBeUndefined();
  expect(parseBytes('64mb')).toBe(64 * 1024 * 1024);
  expect(parseBytes(0)).toBeUndefined();
});
