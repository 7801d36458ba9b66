import { GatewayError } from '../errors/gateway-error.ts';
import type { Timeouts } from '../plugin/types.ts';
import { DEFAULT_TIMEOUTS } from './default-timeouts.ts';
import { createSsrfGuard, type Resolver, type SsrfGuard } from './ssrf-guard.ts';
import { Exchange, isLimit, noop, toOutboundError } from './exchange.ts';
import { isSocketBody, SocketTransport, type SocketBody } from './socket-transport.ts';
import type { HttpClient, OutboundInit } from './types.ts';

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Name resolution for the SSRF guard (tests inject one). Default: the system resolver. */
  resolve?: Resolver;
  /** Overrides of {@link DEFAULT_TIMEOUTS} (e.g. the config's global `timeouts`). */
  defaultTimeouts?: Partial<Timeouts>;
  /** How long a hostname's SSRF verdict is cached (ms). Default 30 s. */
  dnsTtlMs?: number;
  /** Where HTTP(S)_PROXY is looked up (tests pass their own). Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Most bytes of a reply read whole (`stream: false`). Default {@link MAX_BUFFERED_REPLY_BYTES}. */
  maxBufferedReplyBytes?: number;
}

/**
 * Most bytes a reply read whole (`stream: false`) may have, as sent and once decoded: far above
 * any JSON reply (ten base64 images are ~60 MB), far below what would exhaust memory. Without
 * it an upstream could send an endless body, or a small gzip/br body that inflates to gigabytes.
 */
export const MAX_BUFFERED_REPLY_BYTES = 128 * 1024 * 1024;

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers still sent after a redirect to another origin; credentials never follow one. */
const CROSS_ORIGIN_SAFE_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'user-agent'];
/** Bun's own socket idle timer (default 5 min) is a backstop; it must never fire before ours. */
const BUN_SOCKET_TIMEOUT_MS = 300_000;


/**
 * Creates the gateway's outbound HTTP client (see {@link HttpClient} for the error contract).
 * Each request: URL check and SSRF guard (resolved addresses, cached `dnsTtlMs`), then the
 * request with first-byte / total limits and an idle limit on the body. Requests without a
 * proxy whose body is text or bytes (every JSON call) go over {@link SocketTransport}'s
 * keep-alive pools; proxied ones and streamed, form or blob bodies (uploads) go through Bun's
 * `fetch`, also pooled, its body wrapped for the idle limit.
 * GET/HEAD redirects are followed (at most 5 hops, each hop guarded again, credentials dropped
 * on a change of origin); other redirects are returned as they are.
 */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const guard = createSsrfGuard({ resolve: opts.resolve, ttlMs: opts.dnsTtlMs });
  const defaults = mergeTimeouts(DEFAULT_TIMEOUTS, opts.defaultTimeouts);
  // Per-request work that depends only on stable inputs (a provider's base URL and timeouts
  // object) is done once: parsing the URL, merging the limits.
  const urls = new Map<string, URL>();
  const merged = new WeakMap<Partial<Timeouts>, Timeouts>();
  const client: Client = {
    guard,
    maxBytes: opts.maxBufferedReplyBytes ?? MAX_BUFFERED_REPLY_BYTES,
    sockets: envProxy(opts.env ?? process.env) ? undefined : new SocketTransport(),
    url(raw) {
      let url = urls.get(raw);
      if (url === undefined) {
        const parsed = URL.parse(raw);
        if (!parsed) return undefined;
        if (urls.size >= MAX_CACHED_URLS) urls.delete(urls.keys().next().value!);
        urls.set(raw, (url = parsed));
      }
      return url;
    },
    timeouts(over) {
      if (!over) return defaults;
      let t = merged.get(over);
      if (!t) merged.set(over, (t = mergeTimeouts(defaults, over)));
      return t;
    },
  };
  return { fetch: (url, init) => send(client, url, init ?? {}), close: () => client.sockets?.close() };
}

/** True when the environment sets an HTTP(S) proxy, which Bun's fetch uses for requests without one. */
export function envProxy(env: Record<string, string | undefined>): boolean {
  return !!(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** Parsed URLs kept per client (upstream URLs come from the config: a handful). */
const MAX_CACHED_URLS = 256;

/** What `send` needs from its client: the guard and the per-client caches. */
interface Client {
  guard: SsrfGuard;
  /** Most bytes of a reply read whole. */
  maxBytes: number;
  /**
   * HTTP/1.1 on pooled sockets: every request without a proxy whose body is text or bytes.
   * None when the environment names a proxy: Bun's fetch applies it (and NO_PROXY) by itself.
   */
  sockets: SocketTransport | undefined;
  /** The parsed URL (shared, never modified), or undefined when it does not parse. */
  url(raw: string): URL | undefined;
  /** The defaults merged with a request's limits (cached per limits object). */
  timeouts(over: Partial<Timeouts> | undefined): Timeouts;
}

function mergeTimeouts(base: Readonly<Timeouts>, over: Partial<Timeouts> | undefined): Timeouts {
  const out = { ...base };
  if (over) for (const k of Object.keys(base) as (keyof Timeouts)[]) if (over[k] !== undefined) out[k] = over[k]!;
  return out;
}

async function send(client: Client, rawUrl: string, init: OutboundInit): Promise<Response> {
  const url = client.url(rawUrl);
  if (!url) throw new GatewayError('GW_SSRF_BLOCKED', 'Upstream URL is not valid.', { status: 502 });
  const ex = new Exchange(url.hostname, client.timeouts(init.timeouts), init.signal, client.maxBytes);
  try {
    const method = (init.method ?? 'GET').toUpperCase();
    const sockets = !init.proxy && isSocketBody(init.body) ? client.sockets : undefined;
    let res = await hop(client.guard, ex, url, method, init.headers, init, sockets);
    if (method === 'GET' || method === 'HEAD') res = await followRedirects(client.guard, ex, url, res, method, init, sockets);
    // The socket transport applies the limits to the body itself; fetch's body is wrapped for
    // them. `buffer` ends the exchange itself on failure: its promise is returned as it is.
    if (sockets) return res;
    return init.stream === false ? ex.buffer(res) : ex.adopt(res);
  } catch (e) {
    const err = ex.failure ?? toOutboundError(e, ex.host, 'connecting to');
    ex.finish();
    throw err;
  }
}

/**
 * One request, redirects not followed: the SSRF guard (awaited only while a name is being
 * resolved; a known verdict costs no promise), then the socket transport or fetch, with the
 * first-byte limit running.
 */
function hop(
  guard: SsrfGuard, ex: Exchange, url: URL, method: string, headers: OutboundInit['headers'], init: OutboundInit,
  sockets: SocketTransport | undefined,
): Promise<Response> {
  const proxy = init.proxy || undefined;
  const pending = guard.check(url, { allowPrivateNetwork: init.allowPrivateNetwork, viaProxy: !!proxy });
  const go = () => sockets
    ? sockets.request(ex, url, method, headers, init.body as SocketBody, init.stream === false, guard.addresses(url.hostname))
    : fetchHop(ex, url, method, headers, init, proxy);
  if (!pending) return go();
  ex.phase(ex.t.connectMs, 'resolving the host');
  return ex.race(pending).then(go);
}

function fetchHop(
  ex: Exchange, url: URL, method: string, headers: OutboundInit['headers'], init: OutboundInit, proxy: string | undefined,
): Promise<Response> {
  ex.phase(ex.t.firstByteMs, 'waiting for response headers');
  // Only the options in use: each extra one (a proxy key, a socket timeout) costs per request.
  const options: BunFetchRequestInit = {
    method,
    headers,
    // Uint8Array<ArrayBufferLike> is a valid body; the DOM typing only names ArrayBuffer views.
    body: init.body as BodyInit | null | undefined,
    signal: ex.signal,
    redirect: 'manual',
  };
  if (proxy) options.proxy = proxy;
  const socketTimeout = bunSocketTimeout(ex.t);
  if (socketTimeout > BUN_SOCKET_TIMEOUT_MS) options.timeout = socketTimeout;
  return fetch(url.href, options);
}

/** GET/HEAD: follows up to MAX_REDIRECTS redirects, each hop guarded again. */
async function followRedirects(
  guard: SsrfGuard, ex: Exchange, first: URL, res: Response, method: string, init: OutboundInit,
  sockets: SocketTransport | undefined,
): Promise<Response> {
  let url = first;
  let headers = init.headers;
  for (let n = 0; n < MAX_REDIRECTS; n++) {
    const next = redirectTarget(res, url);
    if (!next) return res;
    await res.body?.cancel().catch(noop);
    if (sockets) ex.reopen(); // the transport ended the exchange with that body
    if (next.origin !== url.origin) headers = crossOriginHeaders(headers);
    url = next;
    res = await hop(guard, ex, url, method, headers, init, sockets);
  }
  return res;
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
  let ms = BUN_SOCKET_TIMEOUT_MS;
  if (isLimit(t.firstByteMs)) ms = Math.max(ms, t.firstByteMs + 10_000);
  if (isLimit(t.idleMs)) ms = Math.max(ms, t.idleMs + 10_000);
  return ms;
}
