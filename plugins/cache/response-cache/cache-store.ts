import type { ChatResult } from '../../../core/types/hub.ts';
import type { CacheDb, CacheRow } from './cache-db.ts';
import { VectorIndex } from './vector-index.ts';

/** One cached reply. */
export interface CacheEntry {
  sig: string;
  /** Client key id, or `*` for the global scope. */
  scope: string;
  model: string;
  result: ChatResult;
  /** Size of the reply as JSON. */
  bytes: number;
  createdAt: number;
  expiresAt: number;
  /** What the original reply cost: what every hit saves. */
  costUsd: number;
  /** Semantic bucket and unit vector of the prompt's last user turn. */
  semantic?: { bucket: string; vector: Float32Array };
}

export interface StoreLimits {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  maxVectors: number;
}

/** Counters kept across restarts (in `cache.db`). */
export const COUNTER_NAMES = ['exact_hits', 'semantic_hits', 'misses', 'bypasses', 'evictions', 'expirations', 'saved_cost_usd', 'saved_tokens'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

/**
 * The two tiers' storage: an in-memory LRU (a Map in use order) bounded by entry count and
 * bytes, mirrored to SQLite when `db` is given (writes go through at once, so a restart loads
 * what was there). Expired entries are dropped when met and at load. Vectors of the semantic
 * tier live in a {@link VectorIndex} keyed by entry; past `maxVectors` the oldest lose theirs.
 */
export class CacheStore {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly vectors = new VectorIndex();
  /** Entries with a vector, oldest first. */
  private readonly vectorOrder = new Set<string>();
  private bytes = 0;
  private pending: Record<string, number> = {};
  private base: Record<string, number> = {};

  constructor(private readonly db: CacheDb | undefined, public limits: StoreLimits, now: number) {
    if (!db) return;
    this.base = db.counters();
    for (const row of db.load(now, limits.maxEntries).reverse()) {
      const e = fromRow(row);
      if (this.expired(e, now)) db.delete(e.sig);
      else this.admit(e, false);
    }
  }

  /**
   * New limits (config reload): evicts down to them at once. A shorter ttl applies to the
   * entries already stored; a longer one only to entries stored from now on.
   */
  configure(limits: StoreLimits, now?: number): void {
    this.limits = limits;
    if (now !== undefined) {
      for (const [sig, e] of this.entries) {
        if (!this.expired(e, now)) continue;
        this.drop(sig);
        this.count('expirations');
      }
    }
    this.evict();
  }

  /** Past its own expiry, or older than the ttl in force now. */
  private expired(e: CacheEntry, now: number): boolean {
    return e.expiresAt <= now || e.createdAt + this.limits.ttlMs <= now;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get vectorCount(): number {
    return this.vectors.size;
  }

  /** The live entry for `sig` (marked as recently used), or undefined. */
  get(sig: string, now: number): CacheEntry | undefined {
    const e = this.entries.get(sig);
    if (!e) return undefined;
    if (this.expired(e, now)) {
      this.drop(sig);
      this.count('expirations');
      return undefined;
    }
    this.entries.delete(sig);
    this.entries.set(sig, e);
    return e;
  }

  /** The closest live entry in `bucket` at or above `threshold`. */
  nearest(bucket: string, unit: Float32Array, threshold: number, now: number): { entry: CacheEntry; similarity: number } | undefined {
    const m = this.vectors.nearest(bucket, unit, threshold, (id) => {
      const e = this.entries.get(id);
      return e !== undefined && !this.expired(e, now);
    });
    if (!m) return undefined;
    const entry = this.get(m.id, now);
    return entry && { entry, similarity: m.similarity };
  }

  /** Stores an entry (replacing one with the same signature) and evicts down to the limits. */
  put(e: CacheEntry): boolean {
    if (e.bytes > this.limits.maxBytes) return false;
    this.admit(e, true);
    return true;
  }

  /** Drops every entry (memory and database); counters stay. Answers how many were dropped. */
  clear(): number {
    const n = this.entries.size;
    for (const sig of [...this.entries.keys()]) this.drop(sig, false);
    this.db?.clear();
    return n;
  }

  /** Adds to a counter; written to the database at the next `flush`. */
  count(name: CounterName, n = 1): void {
    this.pending[name] = (this.pending[name] ?? 0) + n;
  }

  /** Counter values: stored plus not yet flushed. */
  counters(): Record<CounterName, number> {
    const out = {} as Record<CounterName, number>;
    for (const n of COUNTER_NAMES) out[n] = (this.base[n] ?? 0) + (this.pending[n] ?? 0);
    return out;
  }

  /** Writes pending counter deltas (cheap when there are none). */
  flush(): void {
    const deltas = this.pending;
    if (Object.keys(deltas).length === 0) return;
    this.pending = {};
    for (const [k, v] of Object.entries(deltas)) this.base[k] = (this.base[k] ?? 0) + v;
    this.db?.addCounters(deltas);
  }

  private admit(e: CacheEntry, write: boolean): void {
    const replaced = this.entries.get(e.sig);
    if (replaced) {
      // The same signature is the same request, so the same prompt: a reply stored without a
      // lookup (Cache-Control: no-cache skips the embeddings call) keeps the vector it replaces.
      e.semantic ??= replaced.semantic;
      this.drop(e.sig, false);
    }
    this.entries.set(e.sig, e);
    this.bytes += e.bytes;
    if (e.semantic && this.vectors.add(e.semantic.bucket, e.sig, e.semantic.vector)) this.vectorOrder.add(e.sig);
    else e.semantic = undefined;
    if (write) this.db?.put(toRow(e));
    this.evict();
  }

  private evict(): void {
    const { maxEntries, maxBytes, maxVectors } = this.limits;
    while (this.entries.size > maxEntries || this.bytes > maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.drop(oldest);
      this.count('evictions');
    }
    while (this.vectorOrder.size > maxVectors) {
      const oldest = this.vectorOrder.values().next().value as string;
      this.vectorOrder.delete(oldest);
      this.vectors.remove(oldest);
      const e = this.entries.get(oldest);
      if (e) e.semantic = undefined;
      this.db?.clearVector(oldest);
    }
  }

  private drop(sig: string, persist = true): void {
    const e = this.entries.get(sig);
    if (!e) return;
    this.entries.delete(sig);
    this.bytes -= e.bytes;
    this.vectors.remove(sig);
    this.vectorOrder.delete(sig);
    if (persist) this.db?.delete(sig);
  }
}

function toRow(e: CacheEntry): CacheRow {
  const v = e.semantic?.vector;
  return {
    sig: e.sig, scope: e.scope, model: e.model, created_at: e.createdAt, expires_at: e.expiresAt, cost_usd: e.costUsd,
    bytes: e.bytes, result: JSON.stringify(e.result), bucket: e.semantic?.bucket ?? null,
    vector: v ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : null,
  };
}

function fromRow(r: CacheRow): CacheEntry {
  const e: CacheEntry = {
    sig: r.sig, scope: r.scope, model: r.model, result: JSON.parse(r.result) as ChatResult, bytes: r.bytes,
    createdAt: r.created_at, expiresAt: r.expires_at, costUsd: r.cost_usd,
  };
  if (r.bucket && r.vector && r.vector.byteLength % 4 === 0) {
    const copy = new Uint8Array(r.vector);
    e.semantic = { bucket: r.bucket, vector: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
  }
  return e;
}
