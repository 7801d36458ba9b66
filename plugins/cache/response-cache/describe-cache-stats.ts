import type { CacheConfig } from './cache-config.ts';
import type { CacheStore } from './cache-store.ts';

/** The body of `GET /api/cache/stats`. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  scope: 'key' | 'global';
  /** Lookups that reached the cache (hits + misses; bypasses are apart). */
  lookups: number;
  hits: { exact: number; semantic: number; total: number };
  misses: number;
  bypasses: number;
  /** Hits / lookups, 0..1 (0 before the first lookup). */
  hitRate: number;
  exactHitRate: number;
  semanticHitRate: number;
  evictions: number;
  expirations: number;
  /** Sum of the original cost of every reply served from the cache. */
  savedCostUsd: number;
  savedTokens: number;
  semantic: { enabled: boolean; vectors: number; maxVectors: number; threshold?: number; embedProvider?: string };
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : 0);

/** Counters (kept across restarts) and the store's current size. */
export function describeCacheStats(store: CacheStore, cfg: CacheConfig): CacheStats {
  const c = store.counters();
  const total = c.exact_hits + c.semantic_hits;
  const lookups = total + c.misses;
  return {
    entries: store.size, bytes: store.totalBytes, maxEntries: cfg.max_entries, maxBytes: cfg.max_bytes, ttlMs: cfg.ttl, scope: cfg.scope,
    lookups, hits: { exact: c.exact_hits, semantic: c.semantic_hits, total }, misses: c.misses, bypasses: c.bypasses,
    hitRate: ratio(total, lookups), exactHitRate: ratio(c.exact_hits, lookups), semanticHitRate: ratio(c.semantic_hits, lookups),
    evictions: c.evictions, expirations: c.expirations,
    savedCostUsd: Math.round(c.saved_cost_usd * 1e8) / 1e8, savedTokens: c.saved_tokens,
    semantic: cfg.semantic
      ? { enabled: true, vectors: store.vectorCount, maxVectors: cfg.semantic.max_entries, threshold: cfg.semantic.threshold, embedProvider: cfg.semantic.embed_provider }
      : { enabled: false, vectors: store.vectorCount, maxVectors: 0 },
  };
}
