import { join } from 'node:path';
import type { Dispose, PluginContext } from '../../../core/plugin/types.ts';
import type { CacheConfig } from './cache-config.ts';
import { CacheDb } from './cache-db.ts';
import { CacheStore, type StoreLimits } from './cache-store.ts';
import { describeCacheStats } from './describe-cache-stats.ts';
import { ResponseCache } from './response-cache.ts';

interface SharedStore {
  store: CacheStore;
  db?: CacheDb;
  refs: number;
}

/**
 * One store per gateway (data dir) and plugin name, shared by the instances a config reload
 * makes, so a reload keeps the memory tier and its counters; closed with the last instance.
 */
const STORES = new Map<string, SharedStore>();

function limitsOf(c: CacheConfig): StoreLimits {
  return { ttlMs: c.ttl, maxEntries: c.max_entries, maxBytes: c.max_bytes, maxVectors: c.semantic?.max_entries ?? 0 };
}

function acquire(ctx: PluginContext<CacheConfig>): { store: CacheStore; release(): void } {
  const id = `${ctx.host.dataDir}\0${ctx.name}\0${ctx.config.persist}`;
  let s = STORES.get(id);
  if (s) {
    s.store.configure(limitsOf(ctx.config), ctx.host.now());
  } else {
    const db = ctx.config.persist ? new CacheDb(join(ctx.host.dataDir, 'cache.db'), ctx.host.secretBox) : undefined;
    s = { store: new CacheStore(db, limitsOf(ctx.config), ctx.host.now()), db, refs: 0 };
    STORES.set(id, s);
  }
  s.refs++;
  const shared = s;
  return {
    store: shared.store,
    release() {
      shared.store.flush();
      if (--shared.refs > 0) return;
      STORES.delete(id);
      shared.db?.close();
    },
  };
}

/** Setup of the response-cache plugin: hooks, stats API and the flush timer. */
export function setupResponseCache(ctx: PluginContext<CacheConfig>): Dispose {
  const { store, release } = acquire(ctx);
  const cache = new ResponseCache({ store, config: ctx.config, http: ctx.host.http, log: ctx.log, now: () => ctx.host.now() });

  ctx.hook('beforeRequest', (req, call) => cache.lookup(req, call), { order: 'post' });
  ctx.hook('wrapCall', (next, _attempt, call) => cache.wrap(next, call));
  ctx.on('response:completed', (e) => cache.completed(e));
  ctx.on('request:failed', (e) => cache.forget(e.id));

  ctx.provide('api', {
    method: 'GET',
    path: '/api/cache/stats',
    summary: 'Response cache: entries, bytes, hit rates per tier, evictions and saved cost.',
    handle: () => {
      store.flush();
      return Response.json(describeCacheStats(store, ctx.config));
    },
  });
  ctx.provide('api', {
    method: 'DELETE',
    path: '/api/cache',
    summary: 'Empties the response cache (both tiers); the counters stay.',
    handle: () => Response.json({ deleted: store.clear() }),
  });

  const timer = setInterval(() => store.flush(), 5000);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    cache.forget();
    release();
  };
}
