import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

const Ms = v.pipe(v.number(), v.minValue(0));

/** The `idempotency:` entry of `plugins:`. */
export const IdempotencyConfigSchema = v.object({
  /** How long a finished reply is replayed to duplicates. */
  ttl_ms: v.optional(Ms, 5000),
  /** Request header that carries the client's idempotency key. */
  header: v.optional(v.pipe(v.string(), v.minLength(1), v.toLowerCase()), 'idempotency-key'),
  /** Entries kept at most; past it, new keys are served without deduplication. */
  max_entries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10_000),
  /** Replies larger than this are not kept (duplicates then make their own call). */
  max_bytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 4 * 1024 * 1024),
});

export type IdempotencyConfig = v.InferOutput<typeof IdempotencyConfigSchema>;

/**
 * Idempotent requests: the same client key, `Idempotency-Key` header, route and body within
 * `ttl_ms` make one upstream call. Duplicates that arrive while it runs wait for it; later ones
 * get the stored reply (JSON, stream parts or the upstream's own bytes) with the response header
 * `idempotent-replayed: true`. Keys of different clients never meet: the client key is part of
 * the fingerprint. Only replies that ended well are kept.
 */
export default {
  name: 'idempotency',
  kind: 'guard',
  apiVersion: 1,
  description: 'One upstream call per Idempotency-Key + body (per client key); duplicates get a replay.',
  config: IdempotencyConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupIdempotency } = await import('./setup-idempotency.ts');
    setupIdempotency(ctx);
  },
} satisfies Plugin<IdempotencyConfig>;
