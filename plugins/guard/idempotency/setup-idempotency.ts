import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, PluginContext } from '../../../core/plugin/types.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import type { IdempotencyConfig } from './plugin.ts';
import { replayCallResult } from './replay-call-result.ts';
import { requestFingerprint } from './request-fingerprint.ts';

/** The header that marks a replayed reply. */
export const REPLAY_HEADER = 'idempotent-replayed';
const MAX_KEY_LENGTH = 255;

/** One store per gateway, kept across reloads so in-flight leaders stay known; the new limits apply to it. */
function storeFor(ctx: PluginContext<IdempotencyConfig>): IdempotencyStore {
  const opts = { maxEntries: ctx.config.max_entries, maxBytes: ctx.config.max_bytes };
  const s = ctx.keep(() => new IdempotencyStore(opts));
  s.opts = opts;
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

/** Setup of the idempotency plugin: claims keys before routing, keeps and replays replies. */
export function setupIdempotency(ctx: PluginContext<IdempotencyConfig>): void {
  const store = storeFor(ctx);
  const now = () => ctx.host.now();

  ctx.hook('beforeRequest', async (_req, call) => {
    const given = call.http.headers.get(ctx.config.header);
    if (given === null || given === '') return;
    if (given.length > MAX_KEY_LENGTH) {
      throw new GatewayError('GW_BAD_REQUEST', `The ${ctx.config.header} header is longer than ${MAX_KEY_LENGTH} characters.`);
    }
    // An upload (multipart, streamed to disk) has no parsed body to fingerprint: two different
    // files under one key would replay the first one's answer, so uploads are not deduplicated.
    if (call.http.body === undefined) return;
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
}
