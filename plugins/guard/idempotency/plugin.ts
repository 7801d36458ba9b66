import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, Plugin, PluginContext } from '../../../core/plugin/types.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { replayCallResult } from './replay-call-result.ts';
import { requestFingerprint } from './request-fingerprint.ts';

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

/** The header that marks a replayed reply. */
export const REPLAY_HEADER = 'idempotent-replayed';
const MAX_KEY_LENGTH = 255;

const STORES = new Map<string, IdempotencyStore>();

/** One store per gateway and plugin name, kept across reloads so in-flight leaders stay known. */
function storeFor(ctx: PluginContext<IdempotencyConfig>): IdempotencyStore {
  const id = `${ctx.host.dataDir}\0${ctx.name}`;
  let s = STORES.get(id);
  if (!s) {
    s = new IdempotencyStore({ maxEntries: ctx.config.max_entries, maxBytes: ctx.config.max_bytes });
    STORES.set(id, s);
  }
  s.opts = { maxEntries: ctx.config.max_entries, maxBytes: ctx.config.max_bytes };
  return s;
}

/** Waits for the leader, or gives up when this client leaves or its deadline passes. */
function waitFor(done: Promise<void>, call: CallContext): Promise<void> {
  if (call.signal.aborted) return Promise.reject(call.signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(call.signal.reason);
    call.signal.addEventListener('abort', onAbort, { once: true });
    void done.then(() => {
      call.signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

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
  setup(ctx) {
    const store = storeFor(ctx);
    const now = () => ctx.host.now();

    ctx.hook('beforeRequest', async (_req, call) => {
      const given = call.http.headers.get(ctx.config.header);
      if (given === null || given === '') return;
      if (given.length > MAX_KEY_LENGTH) {
        throw new GatewayError('GW_BAD_REQUEST', `The ${ctx.config.header} header is longer than ${MAX_KEY_LENGTH} characters.`);
      }
      const fp = requestFingerprint(call.key?.id ?? '', given, call.http.method, call.http.url.pathname, call.http.body);
      for (;;) {
        const claim = store.claim(fp, call.id, now());
        if (claim.role === 'leader' || claim.role === 'bypass') return;
        if (claim.role === 'replay') {
          call.responseHeaders.set(REPLAY_HEADER, 'true');
          return { respond: replayCallResult(claim.reply), reason: 'idempotent replay' };
        }
        await waitFor(claim.done, call);
      }
    });

    ctx.hook('wrapCall', async (next, _attempt, call) => {
      if (!store.leads(call.id)) return next();
      const res = await next();
      return store.startCapture(call.id)?.wrap(res) ?? res;
    });

    ctx.on('response:completed', (e) => store.finish(e.id, true, now(), ctx.config.ttl_ms));
    ctx.on('request:failed', (e) => store.finish(e.id, false, now(), ctx.config.ttl_ms));
  },
} satisfies Plugin<IdempotencyConfig>;
