import { GatewayError } from '../errors/gateway-error.ts';
import { type AddressClass, classifyAddress, worstClass } from './ip-ranges.ts';

/** Resolves a hostname to all its A/AAAA addresses. Rejects when the name does not resolve. */
export type Resolver = (host: string) => Promise<string[]>;

/** Per-request options of {@link SsrfGuard.check}. */
export interface GuardCheckOptions {
  /** Allow loopback and private ranges (a provider on the local network opted in). */
  allowPrivateNetwork?: boolean;
  /**
   * The request goes through a proxy, which resolves the name itself: a name we cannot
   * resolve here is let through (addresses we can resolve are still checked).
   */
  viaProxy?: boolean;
}

/** Options of {@link createSsrfGuard}. */
export interface SsrfGuardOptions {
  /** Name resolution; tests inject one. Default: the system resolver (`getaddrinfo`), all addresses. */
  resolve?: Resolver;
  /** How long a resolved verdict is reused (ms). Default 30 s. */
  ttlMs?: number;
  /** Most cached hostnames; the oldest is dropped beyond it. Default 1000. */
  maxEntries?: number;
}

/** Decides whether an upstream URL may be contacted, before any connection is opened. */
export interface SsrfGuard {
  /**
   * Returns `undefined` when the URL may be used and the verdict was known (IP literal or a
   * cached name: no await needed on the hot path), a promise that resolves when it may be used
   * after resolving the name, or throws / rejects with GatewayError `GW_SSRF_BLOCKED` (502, not
   * retryable) for a refused scheme or address, `GW_UPSTREAM_CONNECT` (retryable) when the
   * name does not resolve.
   */
  check(url: URL, opts?: GuardCheckOptions): Promise<void> | undefined;
  /**
   * The addresses the last `check` of this hostname resolved and vetted, for the connection to
   * use instead of asking DNS again, IPv4 first (a host whose IPv6 route is broken would
   * otherwise wait out a connect timeout); `undefined` for IP literals and names decided
   * without DNS.
   */
  addresses(hostname: string): readonly string[] | undefined;
}

/** Names that reach a cloud metadata service; refused without asking DNS. */
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * The system resolver, every address (both families), in the order the system returns them.
 * `node:dns` is loaded on the first lookup: upstreams given as IP literals never need it.
 */
export const systemResolver: Resolver = async (host) => {
  const { lookup } = await import('node:dns/promises');
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
};

/** The error for a refused upstream. Names the host only: never the URL, its query or a key. */
export function ssrfBlocked(host: string): GatewayError {
  return new GatewayError('GW_SSRF_BLOCKED', `Upstream address is not allowed: ${host}`, {
    status: 502,
    retryable: false,
  });
}

/**
 * Classifies a hostname without DNS: IP literals (all IPv4 notations, IPv6 incl. mapped forms),
 * `localhost` names and metadata names. Returns `undefined` when DNS must decide.
 * `host` is the URL's `hostname` (IPv6 in brackets, a trailing dot allowed).
 */
export function classifyHostName(host: string): AddressClass | undefined {
  const name = host.toLowerCase().replace(/\.+$/, '');
  const literal = classifyAddress(name);
  if (literal !== undefined) return literal;
  if (METADATA_NAMES.has(name)) return 'blocked';
  if (name === 'localhost' || name.endsWith('.localhost')) return 'private';
  return undefined;
}

/**
 * Creates the guard with its own verdict cache (keyed by the URL's hostname; resolved names
 * for `ttlMs`, literals for as long as they stay in the cache; concurrent lookups of one name
 * share one query). Every resolved address is checked; the strictest class wins,
 * so a name with one public and one private address counts as private.
 *
 * The socket transport connects to the vetted addresses (`addresses`), so a DNS answer that
 * changes after the check (rebinding) cannot redirect it. Requests through `fetch` (proxies,
 * uploads) let fetch resolve the name again; upstream URLs come from the admin's config, never
 * from request data, which keeps that window out of a client's reach.
 */
export function createSsrfGuard(opts: SsrfGuardOptions = {}): SsrfGuard {
  const resolve = opts.resolve ?? systemResolver;
  const ttlMs = opts.ttlMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 1000;
  const cache = new Map<string, { cls: AddressClass; expires: number; addrs?: readonly string[] }>();
  const inflight = new Map<string, Promise<AddressClass>>();

  const remember = (host: string, cls: AddressClass, ttl: number, addrs?: readonly string[]) => {
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(host, { cls, expires: performance.now() + ttl, addrs });
  };

  const lookupClass = (name: string, host: string): Promise<AddressClass> => {
    let p = inflight.get(name);
    if (!p) {
      p = new Promise<string[]>((ok) => ok(resolve(name))).then((addrs) => {
        if (addrs.length === 0) throw new Error('no addresses');
        let cls: AddressClass = 'public';
        for (const a of addrs) cls = worstClass(cls, classifyAddress(a) ?? 'blocked');
        remember(host, cls, ttlMs, [...addrs.filter((a) => !a.includes(':')), ...addrs.filter((a) => a.includes(':'))]);
        return cls;
      });
      const done = () => inflight.delete(name);
      p.then(done, done);
      inflight.set(name, p);
    }
    return p;
  };

  return {
    addresses: (hostname) => cache.get(hostname)?.addrs,
    check(url, o = {}) {
      const host = url.hostname;
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw ssrfBlocked(host);
      const hit = cache.get(host);
      if (hit && hit.expires > performance.now()) return verdict(hit.cls, host, o);
      const known = classifyHostName(host);
      if (known !== undefined) {
        remember(host, known, Infinity);
        return verdict(known, host, o);
      }
      return lookupClass(host.toLowerCase().replace(/\.+$/, ''), host).then(
        (cls) => verdict(cls, host, o),
        () => {
          if (o.viaProxy) return;
          throw new GatewayError('GW_UPSTREAM_CONNECT', `Could not resolve upstream host: ${host}`, {
            retryable: true,
          });
        },
      );
    },
  };
}

function verdict(cls: AddressClass, host: string, o: GuardCheckOptions): undefined {
  if (cls === 'blocked' || (cls === 'private' && !o.allowPrivateNetwork)) throw ssrfBlocked(host);
  return undefined;
}
