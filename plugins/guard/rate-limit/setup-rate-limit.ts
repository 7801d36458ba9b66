import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, CallContext, GatewayRequest, PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { CHARS_PER_TOKEN, estimateTokens } from '../../../core/util/estimate-tokens.ts';
import { KeyLimiter, type KeyDecision } from './key-limiter.ts';
import { resolveTargetLimits, type RateLimitConfig } from './rate-limit-config.ts';
import type { LogEntry } from './sliding-log.ts';
import { SlotUnavailable, TargetLimiter, type TargetLimits } from './target-limiter.ts';

/** Counters and queues; kept across reloads so a config edit does not reset the windows. */
interface RateState {
  targets: Map<string, TargetLimiter>;
  keys: Map<string, KeyLimiter>;
  /** Slots held by requests whose reply is still streaming, released at their terminal event. */
  held: Map<string, Array<() => void>>;
  /** Token reservations waiting for the real usage. */
  reserved: Map<string, { limiter: KeyLimiter; entry: LogEntry }>;
}

function stateFor(ctx: PluginContext<RateLimitConfig>): RateState {
  return ctx.keep(() => ({ targets: new Map(), keys: new Map(), held: new Map(), reserved: new Map() }));
}

/** Client keys whose windows are kept at most; past it the least recently used key's goes. */
const MAX_KEYS = 10_000;

/**
 * The limiter of client key `id`, moved to the end of `keys` (which stays in use order). Keys come
 * and go for as long as the gateway runs, and one that stopped sending would keep its window's
 * entries for good: beyond MAX_KEYS the key unused the longest is forgotten.
 */
function keyLimiter(keys: Map<string, KeyLimiter>, id: string): KeyLimiter {
  let limiter = keys.get(id);
  if (limiter) keys.delete(id);
  else {
    limiter = new KeyLimiter();
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
  }
  keys.set(id, limiter);
  return limiter;
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/**
 * The input tokens a request reserves, corrected with the real usage afterwards: a chat's hub
 * estimate (tools included, an image at a flat rate rather than its base64 length), else about
 * 4 characters a token of the client's JSON body.
 */
function inputTokens(req: GatewayRequest, call: CallContext): number {
  if (req.operation === 'chat') return estimateTokens(req.body as ChatRequest);
  const body = call.http.body;
  return body === undefined ? 0 : Math.ceil(JSON.stringify(body).length / CHARS_PER_TOKEN);
}

function setKeyHeaders(call: CallContext, d: KeyDecision, rpm?: number, tpm?: number): void {
  const h = call.responseHeaders;
  if (rpm !== undefined) {
    h.set('x-ratelimit-limit-requests', String(rpm));
    h.set('x-ratelimit-remaining-requests', String(d.remainingRequests ?? 0));
    h.set('x-ratelimit-reset-requests', `${Math.ceil(d.resetRequestsMs / 1000)}s`);
  }
  if (tpm !== undefined) {
    h.set('x-ratelimit-limit-tokens', String(tpm));
    h.set('x-ratelimit-remaining-tokens', String(d.remainingTokens ?? 0));
    h.set('x-ratelimit-reset-tokens', `${Math.ceil(d.resetTokensMs / 1000)}s`);
  }
}

/** Per key RPM/TPM: counts the request or throws 429 with `Retry-After`. */
function admitKey(cfg: RateLimitConfig, state: RateState, now: number, req: GatewayRequest, call: CallContext): void {
  const key = call.key;
  if (!key) return;
  const rpm = key.limits?.rpm ?? cfg.keys.rpm;
  const tpm = key.limits?.tpm ?? cfg.keys.tpm;
  if (rpm === undefined && tpm === undefined) return;
  const limiter = keyLimiter(state.keys, key.id);
  const d = limiter.admit(now, { rpm, tpm }, tpm === undefined ? 0 : inputTokens(req, call));
  setKeyHeaders(call, d, rpm, tpm);
  if (d.waitMs > 0) {
    call.responseHeaders.set('retry-after', String(Math.max(1, Math.ceil(d.waitMs / 1000))));
    const what = rpm !== undefined && d.remainingRequests === 0 ? `${rpm} requests per minute` : `${tpm} tokens per minute`;
    throw new GatewayError('GW_RATE_LIMITED', `Rate limit of this API key reached (${what}). Retry in ${Math.ceil(d.waitMs / 1000)} s.`, {
      status: 429, retryAfterMs: d.waitMs,
    });
  }
  if (d.tokens) state.reserved.set(call.id, { limiter, entry: d.tokens });
}

/**
 * The limiter of the account at `key` (`provider/account`). Counts belong to the account, not to
 * its id: when another account has the id now (a key removed from `keys:` moves the next one into
 * its place), it gets a limiter of its own; the old one serves out what it admitted.
 */
function limiterFor(state: RateState, key: string, fingerprint: string | undefined, now: () => number): TargetLimiter {
  const found = state.targets.get(key);
  if (found && (fingerprint === undefined || found.fingerprint === fingerprint)) return found;
  if (found && found.fingerprint === undefined) {
    found.fingerprint = fingerprint;
    return found;
  }
  const limiter = new TargetLimiter(now, fingerprint);
  state.targets.set(key, limiter);
  return limiter;
}

/** A slot on a provider account, or a retryable 429 (the next target serves, or the client hears it). */
async function acquireSlot(limiter: TargetLimiter, limits: TargetLimits, maxWait: number, attempt: Attempt): Promise<() => void> {
  try {
    return await limiter.acquire(limits, maxWait, attempt.signal);
  } catch (e) {
    if (!(e instanceof SlotUnavailable)) throw e;
    const who = attempt.account ? `${attempt.provider.name} (account ${attempt.account.id})` : attempt.provider.name;
    throw new GatewayError('GW_RATE_LIMITED', `Provider ${who} is at its configured rate limit (${e.reason}).`, {
      status: 429, retryable: true, retryAfterMs: e.retryAfterMs,
    });
  }
}

/** Setup of the rate-limit plugin: the per key check before routing and the per target `wrapCall` slots. */
export function setupRateLimit(ctx: PluginContext<RateLimitConfig>): void {
  const state = stateFor(ctx);
  const now = () => ctx.host.now();

  ctx.hook('beforeRequest', (req, call) => admitKey(ctx.config, state, now(), req, call));

  ctx.hook('wrapCall', async (next, attempt, call) => {
    const limits = resolveTargetLimits(ctx.config, attempt.provider.name, attempt.account);
    if (!limits) return next();
    const limiter = limiterFor(state, `${attempt.provider.name}/${attempt.account?.id ?? ''}`, attempt.account?.fingerprint, now);
    const maxWait = attempt.last ? limits.maxWaitMs ?? ctx.config.max_wait_ms : ctx.config.fallback_wait_ms;
    const release = await acquireSlot(limiter, limits, maxWait, attempt);
    let result;
    try {
      result = await next();
    } catch (e) {
      release();
      throw e;
    }
    // A concurrency slot is held while the reply streams; RPM and gap count starts only.
    if (limits.maxConcurrent === undefined) release();
    else getOr(state.held, call.id, () => []).push(release);
    return result;
  });

  const settle = (id: string, tokens: number | undefined) => {
    for (const release of state.held.get(id) ?? []) release();
    state.held.delete(id);
    const r = state.reserved.get(id);
    if (!r) return;
    state.reserved.delete(id);
    if (tokens !== undefined) r.limiter.settle(r.entry, tokens);
  };
  ctx.on('response:completed', (e) => settle(e.id, e.usage ? e.usage.inputTokens + e.usage.outputTokens : undefined));
  // A stream that broke or that the client cancelled still used its tokens upstream.
  ctx.on('request:failed', (e) => settle(e.id, e.usage ? e.usage.inputTokens + e.usage.outputTokens : e.usageStatus === 'error_midstream' ? undefined : 0));
}
