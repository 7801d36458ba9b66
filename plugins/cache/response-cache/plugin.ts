import type { Plugin } from '../../../core/plugin/types.ts';
import { CacheConfigSchema, type CacheConfig } from './cache-config.ts';

/**
 * Two-tier response cache for chat. The exact tier answers a request whose normalized form
 * (minus volatile fields) was answered before, for the same client key (or every key with
 * `scope: global`); the semantic tier answers a paraphrase of the last user turn when the rest
 * of the conversation is identical and the embeddings are at least `threshold` similar.
 * Hits are replayed in the client's dialect, streamed or not, with `X-Switchyard-Cache: hit`.
 * Its lookup runs late (`order: 'post'`) so it sees the request after prompt controls.
 */
export default {
  name: 'response-cache',
  kind: 'cache',
  apiVersion: 1,
  description: 'Exact + semantic response cache with TTL, LRU limits and SQLite persistence.',
  config: CacheConfigSchema,
  failMode: 'open',
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupResponseCache } = await import('./setup-response-cache.ts');
    return setupResponseCache(ctx);
  },
} satisfies Plugin<CacheConfig>;
