import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { Timeouts } from '../plugin/types.ts';
import { createSsrfGuard, type Resolver, type SsrfGuard } from './ssrf-guard.ts';
import { sweeper, type Watched } from '../util/deadline-sweeper.ts';
import type { HttpClient, OutboundInit } from './types.ts';

/** Limits used when neither the client options nor the request name one. */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 60_000,
  idleMs: 120_000,
  totalMs: 600_000,
});

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Name resolution for the SSRF guard (tests inject one). Default: the system resolver. */
  resolve?: Resolver;
  /** Overrides of {@link DEFAULT_TIMEOUTS} (e.g. the config's global `timeouts`). */
  defaultTimeouts?: Partial<Timeouts>;
  /** How long a hostname's SSRF verdict is cached (ms). Default 30 s. */
  dnsTtlMs?: number;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);
/** Headers still sent after a redirect to another origin; credentials never follow one. */
const CROSS_ORIGIN_SAFE_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'user-agent'];
/** `setTimeout` fires at once above this; a longer limit counts as none. */
const MAX_TIMER_MS = 2_147_483_647;
/** Bun's own socket idle timer (default 5 min) is a backstop; it must never fire before ours. */
const BUN_SOCKET_TIMEOUT_MS = 300_000;

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;
const noop = () => {};
const isLimit = (ms: number) => ms > 0 && ms <= MAX_TIMER_MS;

/**
 * Creates the gateway's outbound HTTP client (see {@link HttpClient} for the error contract).
 * Uses Bun's `fetch`, so connections are pooled with keep-alive; nothing here disables it.
 * Each request: URL check and SSRF guard (resolved addresses, cached `dnsTtlMs`), then fetch
 * with first-byte / total limits, then the body wrapped so an idle upstream errors it.
 * GET/HEAD redirects are followed (at most 5 hops, each hop guarded again, credentials dropped
 * on a change of origin); other redirects are returned as they are.
 */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const guard = createSsrfGuard({ resolve: opts.resolve, ttlMs: opts.dnsTtlMs });
  const defaults = mergeTimeouts(DEFAULT_TIMEOUTS, opts.defaultTimeouts);
  return { fetch: (url, init) => send(guard, defaults, url, init ?? {}) };
}

function mergeTimeouts(base: Readonly<Timeouts>, over: Partial<Timeouts> | undefined): Timeouts {
  const out = { ...base };
  if (over) for (const k of Object.keys(base) as (keyof Timeouts)[]) if (over[k] !== undefined) out[k] = over[k]!;
  return out;
}

async function send(guard: SsrfGuard, defaults: Timeouts, rawUrl: string, init: OutboundInit): Promise<Response> {
  const url = URL.parse(rawUrl);
  if (!url) throw new GatewayError('GW_SSRF_BLOCKED', 'Upstream URL is not valid.', { status: 502 });
  const ex = new Exchange(url.hostname, mergeTimeouts(defaults, init.timeouts), init.signal);
  try {
    const res = await sendFollowingRedirects(guard, ex, url, init);
    return init.stream === false ? await ex.buffer(res) : ex.adopt(res);
  } catch (e) {
    const err = ex.failure ?? toOutboundError(e, ex.host, 'connecting to');
    ex.finish();
    throw err;
  }
}

async function sendFollowingRedirects(guard: SsrfGuard, ex: Exchange, first: URL, init: OutboundInit) {
  const method = (init.method ?? 'GET').toUpperCase();
  const mayFollow = method === 'GET' || method === 'HEAD';
  const proxy = init.proxy || undefined;
  let url = first;
  let headers = init.headers;
  for (let hop = 0; ; hop++) {
    const pending = guard.check(url, { allowPrivateNetwork: init.allowPrivateNetwork, viaProxy: !!proxy });
    if (pending) {
      ex.phase(ex.t.connectMs, 'resolving the host');
      await ex.race(pending);
    }
    ex.phase(ex.t.firstByteMs, 'waiting for response headers');
    // Only the options in use: each extra one (a proxy key, a socket timeout) costs per request.
    const options: BunFetchRequestInit = {
      method,
      headers,
      // Uint8Array<ArrayBufferLike> is a valid body; the DOM typing only names ArrayBuffer views.
      body: init.body as BodyInit | null | undefined,
      signal: ex.ac.signal,
      redirect: 'manual',
    };
    if (proxy) options.proxy = proxy;
    const socketTimeout = bunSocketTimeout(ex.t);
    if (socketTimeout > BUN_SOCKET_TIMEOUT_MS) options.timeout = socketTimeout;
    const res = await fetch(url.href, options);
    const next = mayFollow && hop < MAX_REDIRECTS ? redirectTarget(res, url) : undefined;
    if (!next) return res;
    await res.body?.cancel().catch(noop);
    if (next.origin !== url.origin) headers = crossOriginHeaders(headers);
    url = next;
  }
}

function redirectTarget(res: Response, from: URL): URL | undefined {
  if (!REDIRECT_STATUSES.has(res.status)) return undefined;
  const location = res.headers.get('location');
  if (!location) return undefined;
  const to = URL.parse(location, from);
  if (!to || (to.protocol !== 'https:' && to.protocol !== 'http:')) return undefined;
  if (from.protocol === 'https:' && to.protocol === 'http:') return undefined;
  return to;
}

function crossOriginHeaders(headers: OutboundInit['headers']): Headers {
  const src = new Headers(headers ?? undefined);
  const out = new Headers();
  for (const name of CROSS_ORIGIN_SAFE_HEADERS) {
    const v = src.get(name);
    if (v !== null) out.set(name, v);
  }
  return out;
}

function bunSocketTimeout(t: Timeouts): number {
  const ours = [t.firstByteMs, t.idleMs].filter(isLimit).map((ms) => ms + 10_000);
  return Math.max(BUN_SOCKET_TIMEOUT_MS, ...ours);
}

/** Bun decodes these bodies but keeps the headers; they would lie about the body we return. */
function decodedHeaders(headers: Headers): Headers {
  const enc = headers.get('content-encoding');
  if (!enc || !DECODED_ENCODINGS.has(enc.trim().toLowerCase())) return headers;
  const out = new Headers(headers);
  out.delete('content-encoding');
  out.delete('content-length');
  return out;
}

function timeoutError(host: string, what: string, ms: number): GatewayError {
  return new GatewayError('GW_UPSTREAM_TIMEOUT', `Upstream ${host} timed out ${what} (${ms} ms).`, {
    retryable: true,
  });
}

function closedError(signal: AbortSignal): GatewayError {
  if (isGatewayError(signal.reason)) return signal.reason;
  return new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.', { status: 499, retryable: false });
}

/**
 * Maps a fetch or body-read failure. Only the error's `code` is kept: Bun's errors carry the
 * full URL (`path`), which may hold a key in its query, so the original is never attached.
 */
function toOutboundError(e: unknown, host: string, during: string): GatewayError {
  if (isGatewayError(e)) return e;
  const err = e as { name?: unknown; code?: unknown } | null;
  if (err?.name === 'TimeoutError') {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', `Upstream ${host} timed out (socket idle).`, { retryable: true });
  }
  const code = typeof err?.code === 'string' && /^[A-Za-z0-9_]{2,48}$/.test(err.code) ? err.code : 'network error';
  return new GatewayError('GW_UPSTREAM_CONNECT', `Connection failed while ${during} upstream ${host} (${code}).`, {
    retryable: true,
  });
}

/**
 * One outbound exchange: its abort controller, its limits (watched by the shared sweeper) and
 * the body wrapper. The callbacks are fields so the per-chunk path allocates nothing of its own
 * (one `performance.now()` per read).
 */
class Exchange implements Watched {
  readonly ac = new AbortController();
  failure: GatewayError | undefined;
  private done = false;
  /** Deadlines on the `performance.now()` clock; Infinity = none. */
  private totalAt = Infinity;
  private phaseAt = Infinity;
  private phaseWhat = '';
  private phaseMs = 0;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
  private waitingSince = -1;

  constructor(
    readonly host: string,
    readonly t: Timeouts,
    private readonly caller: AbortSignal | undefined,
  ) {
    if (caller?.aborted) throw closedError(caller);
    caller?.addEventListener('abort', this.onCallerAbort);
    if (isLimit(t.totalMs)) this.totalAt = performance.now() + t.totalMs;
    sweeper.add(this);
  }

  private readonly onCallerAbort = () => this.fail(closedError(this.caller!));

  /** Called by the sweeper every tick: fails the exchange once a limit has passed. */
  check(now: number): void {
    if (now >= this.totalAt) this.fail(timeoutError(this.host, 'in total', this.t.totalMs));
    else if (now >= this.phaseAt) this.fail(timeoutError(this.host, this.phaseWhat, this.phaseMs));
    else if (this.waitingSince >= 0 && now - this.waitingSince >= this.t.idleMs) {
      this.fail(timeoutError(this.host, 'between body chunks', this.t.idleMs));
    }
  }

  /** Starts the limit of the current phase (DNS, headers), replacing the previous one. */
  phase(ms: number, what: string): void {
    this.phaseWhat = what;
    this.phaseMs = ms;
    this.phaseAt = isLimit(ms) ? performance.now() + ms : Infinity;
  }

  /** Waits for `p`, or rejects as soon as the exchange fails (timeout, caller abort). */
  race<T>(p: Promise<T>): Promise<T> {
    const s = this.ac.signal;
    return new Promise<T>((ok, bad) => {
      if (s.aborted) return bad(s.reason);
      const onAbort = () => bad(s.reason);
      s.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => (s.removeEventListener('abort', onAbort), ok(v)),
        (e) => (s.removeEventListener('abort', onAbort), bad(e)),
      );
    });
  }

  /** Fails the exchange once: aborts fetch (closing the socket) and errors the body. */
  fail(err: GatewayError): void {
    if (this.done) return;
    this.failure = err;
    this.finish();
    this.ac.abort(err);
    if (this.ctrl) {
      try {
        this.ctrl.error(err);
      } catch {
        // already closed
      }
    }
    this.reader?.cancel(err).catch(noop);
  }

  /** Ends the exchange: stops watching its limits and the caller's abort. Idempotent. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    sweeper.delete(this);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  /**
   * A complete (non-streamed) reply: read whole under the same limits, then returned as a
   * plain Response, so the caller reads it without another stream layer.
   */
  async buffer(res: Response): Promise<Response> {
    this.phase(this.t.idleMs, 'reading the response body');
    if (this.failure) {
      res.body?.cancel().catch(noop);
      throw this.failure;
    }
    let bytes: ArrayBuffer;
    try {
      bytes = await this.race(res.arrayBuffer());
    } catch (e) {
      throw this.failure ?? toOutboundError(e, this.host, 'reading the response from');
    }
    this.finish();
    return new Response(NULL_BODY_STATUSES.has(res.status) ? null : bytes, {
      status: res.status, statusText: res.statusText, headers: decodedHeaders(res.headers),
    });
  }

  /**
   * Takes over the response: a body-less one ends the exchange, a body is wrapped. The caller
   * must consume or cancel the body; an abandoned one holds its connection until `totalMs`.
   */
  adopt(res: Response): Response {
    this.phase(0, '');
    if (this.failure) {
      // A limit passed or the caller aborted just as the headers arrived.
      res.body?.cancel().catch(noop);
      throw this.failure;
    }
    if (!res.body || NULL_BODY_STATUSES.has(res.status)) {
      this.finish();
      return res;
    }
    this.reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>(
      { start: (c) => void (this.ctrl = c), pull: this.pull, cancel: this.cancel },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: decodedHeaders(res.headers) });
  }

  private readonly pull = (): Promise<void> => {
    if (isLimit(this.t.idleMs)) this.waitingSince = performance.now();
    return this.reader!.read().then(this.onChunk, this.onReadError);
  };

  private readonly onChunk = (r: Chunk): void => {
    this.waitingSince = -1;
    if (this.failure) return;
    if (r.done) {
      this.finish();
      this.ctrl!.close();
    } else {
      this.ctrl!.enqueue(r.value);
    }
  };

  private readonly onReadError = (e: unknown): void => {
    this.waitingSince = -1;
    if (!this.failure) this.fail(toOutboundError(e, this.host, 'reading the response from'));
  };

  private readonly cancel = (reason: unknown): Promise<void> => {
    const reader = this.reader!;
    this.finish();
    this.ac.abort(reason);
    return reader.cancel(reason).catch(noop);
  };
}
