import type { GatewayEvents } from '../../../core/bus/events.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import type { Logger } from '../../../core/log/logger.ts';
import type { CallContext, CallResult, GatewayRequest, Short } from '../../../core/plugin/types.ts';
import { hasContent, type ChatRequest } from '../../../core/types/hub.ts';
import type { CacheConfig } from './cache-config.ts';
import type { CacheEntry, CacheStore } from './cache-store.ts';
import { ReplyCapture } from '../../../core/util/reply-capture.ts';
import { embedText, resolveEmbedTarget } from './embed-text.ts';
import { CACHE_HEADER, SIMILARITY_HEADER, TIER_HEADER, cacheDirective, replayEntry } from './replay-entry.ts';
import { isDeterministic, requestSignature, semanticQuery } from './request-signature.ts';
import { normalize } from './vector-index.ts';

/** A cacheable request on its way to the upstream: where its reply will be stored. */
interface Pending {
  sig: string;
  scope: string;
  model: string;
  semantic?: { bucket: string; vector: Float32Array };
  capture?: ReplyCapture;
}

export interface ResponseCacheDeps {
  store: CacheStore;
  config: Readonly<CacheConfig>;
  http: HttpClient;
  log: Logger;
  now(): number;
}

/**
 * The cache's per-request logic, one method per hook or event: `lookup` (beforeRequest) answers
 * hits and marks misses, `wrap` (wrapCall) records the reply, `completed` (response:completed)
 * stores it, `forget` (request:failed) drops it. A request id is tracked from lookup to its
 * terminal event, which every request gets exactly once.
 */
export class ResponseCache {
  private readonly pending = new Map<string, Pending>();
  private lastWarn = -Infinity;

  constructor(private readonly d: ResponseCacheDeps) {}

  /** beforeRequest: a hit (`{respond}`), or nothing (miss or bypass, said in the header). */
  async lookup(req: GatewayRequest, call: CallContext): Promise<Short | undefined> {
    if (req.operation !== 'chat') return undefined;
    const { store, config: cfg } = this.d;
    const body = req.body as ChatRequest;
    const directive = cacheDirective(call.http.headers);
    if (directive === 'none' || (cfg.only_deterministic && !isDeterministic(body)) || !replayable(req)) return this.bypass(call);
    const scope = cfg.scope === 'global' ? '*' : (call.key?.id ?? 'anonymous');
    const p: Pending = { sig: requestSignature(scope, req.model, body), scope, model: req.model };
    this.pending.set(call.id, p);
    if (directive === 'refresh') return this.bypass(call);
    const exact = store.get(p.sig, this.d.now());
    if (exact) {
      store.count('exact_hits');
      return this.hit(exact, 'exact', call, req.stream);
    }
    const semantic = await this.semanticLookup(body, p, call);
    if (semantic) return semantic;
    store.count('misses');
    call.responseHeaders.set(CACHE_HEADER, 'miss');
    return undefined;
  }

  /** wrapCall: records what this attempt sends to the client (only for tracked requests). */
  async wrap(next: () => Promise<CallResult>, call: CallContext): Promise<CallResult> {
    const p = this.pending.get(call.id);
    if (!p) return next();
    const res = await next();
    p.capture = new ReplyCapture(this.d.config.max_entry_bytes);
    return p.capture.wrap(res);
  }

  /** response:completed: stores a complete reply with what it cost. */
  completed(e: GatewayEvents['response:completed']): void {
    const p = this.pending.get(e.id);
    if (!p) return;
    this.pending.delete(e.id);
    const result = e.cached ? undefined : p.capture?.reply();
    // An empty reply (a provider's glitch, mostly) is not kept: asking again must reach a provider.
    if (!result || !hasContent(result)) return;
    const t = this.d.now();
    this.d.store.put({
      sig: p.sig, scope: p.scope, model: p.model, result, bytes: JSON.stringify(result).length,
      createdAt: t, expiresAt: t + this.d.config.ttl, costUsd: e.costUsd ?? 0, semantic: p.semantic,
    });
  }

  /** request:failed (or dispose): nothing to store. */
  forget(id?: string): void {
    if (id === undefined) this.pending.clear();
    else this.pending.delete(id);
  }

  private bypass(call: CallContext): undefined {
    this.d.store.count('bypasses');
    call.responseHeaders.set(CACHE_HEADER, 'bypass');
    return undefined;
  }

  /** The semantic tier: embeds the last user turn, then searches its bucket. */
  private async semanticLookup(body: ChatRequest, p: Pending, call: CallContext): Promise<Short | undefined> {
    const sem = this.d.config.semantic;
    if (!sem) return undefined;
    const target = resolveEmbedTarget(sem.embed_provider, call.providers);
    const q = target && semanticQuery(p.scope, p.model, sem.embed_provider, body);
    if (!target || !q) return undefined;
    let vector: Float32Array;
    try {
      vector = normalize(await embedText(this.d.http, target, q.text, { signal: call.signal, timeoutMs: sem.timeout_ms }));
    } catch (e) {
      if (!call.signal.aborted) this.warn('semantic cache skipped: embedding failed', e);
      return undefined;
    }
    p.semantic = { bucket: q.bucket, vector };
    const match = this.d.store.nearest(q.bucket, vector, sem.threshold, this.d.now());
    if (!match) return undefined;
    this.d.store.count('semantic_hits');
    call.responseHeaders.set(SIMILARITY_HEADER, match.similarity.toFixed(4));
    return this.hit(match.entry, 'semantic', call, body.stream);
  }

  private hit(entry: CacheEntry, tier: 'exact' | 'semantic', call: CallContext, stream: boolean): Short {
    const { store } = this.d;
    store.count('saved_cost_usd', entry.costUsd);
    const u = entry.result.usage;
    if (u) store.count('saved_tokens', u.inputTokens + u.outputTokens);
    this.pending.delete(call.id);
    call.responseHeaders.set(CACHE_HEADER, 'hit');
    call.responseHeaders.set(TIER_HEADER, tier);
    call.responseHeaders.set('age', String(Math.max(0, Math.floor((this.d.now() - entry.createdAt) / 1000))));
    return { respond: replayEntry(entry, stream), reason: `cache hit (${tier})` };
  }

  /** At most one warning a minute: a down embeddings server must not flood the log. */
  private warn(msg: string, error: unknown): void {
    const t = this.d.now();
    if (t - this.lastWarn < 60_000) return;
    this.lastWarn = t;
    this.d.log.warn(msg, { error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Whether a cached result can stand for this request's answer: not when it asks for what the
 * normalized result does not keep (several choices, log probabilities: OpenAI's `logprobs`,
 * Gemini's `generationConfig.responseLogprobs`), nor for a request whose call records something
 * (`mustCall`: a Responses request to be stored, a conversation turn).
 */
function replayable(req: GatewayRequest): boolean {
  const body = req.body as ChatRequest;
  if ((body.n ?? 1) > 1) return false;
  const raw = req.raw as { logprobs?: unknown; top_logprobs?: unknown } | undefined;
  if (raw?.logprobs === true || typeof raw?.top_logprobs === 'number') return false;
  const gemini = body.providerOptions?.gemini?.generationConfig as Record<string, unknown> | undefined;
  if (gemini && (gemini.responseLogprobs === true || gemini.response_logprobs === true)) return false;
  if (req.mustCall) return false;
  return true;
}
