/** A bearer token an upstream gave, and when it stops working (absent: it does not say). */
export interface ExpiringToken {
  token: string;
  expiresAt?: number;
}

/** One cached token and the fetch in flight, if any. Exported so a plugin can keep the map across reloads. */
export interface TokenCacheEntry<T extends ExpiringToken> {
  value?: T;
  /** When the value is fetched again: 5 minutes before it expires, or at half its life if that comes first. */
  renewAt: number;
  pending?: Promise<T>;
}

export interface TokenCacheOptions<T extends ExpiringToken> {
  now(): number;
  /** Where the entries live (a plugin passes a map it keeps across reloads); a new map by default. */
  entries?: Map<string, TokenCacheEntry<T>>;
  /** Entries kept; past it the oldest is dropped. */
  maxEntries?: number;
}

const RENEW_AHEAD_MS = 5 * 60_000;

/**
 * Tokens a provider fetches for itself (an Azure Entra client-credentials token, a Google
 * service-account token), cached by an id that names the provider and its credentials: reused
 * until shortly before they expire; requests that find one stale share a single fetch; a failed
 * fetch is not cached (the next request tries again). Unlike `TokenKeeper` (user logins, stored
 * and refreshed with a refresh token), these are held in memory only.
 */
export function createTokenCache<T extends ExpiringToken>(o: TokenCacheOptions<T>) {
  const entries = o.entries ?? new Map<string, TokenCacheEntry<T>>();
  const max = o.maxEntries ?? 64;
  const entryOf = (id: string): TokenCacheEntry<T> => {
    let e = entries.get(id);
    if (!e) {
      entries.set(id, (e = { renewAt: 0 }));
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    }
    return e;
  };
  const renew = (e: TokenCacheEntry<T>, fetch: () => Promise<T>): Promise<T> => {
    const fetchedAt = o.now();
    e.pending ??= fetch().then((value) => {
      e.value = value;
      const life = value.expiresAt === undefined ? Infinity : value.expiresAt - fetchedAt;
      e.renewAt = fetchedAt + Math.max(life - RENEW_AHEAD_MS, life / 2);
      return value;
    }).finally(() => {
      e.pending = undefined;
    });
    return e.pending;
  };
  return {
    /** The cached token of `id`, fetched first when there is none or it is about to expire. */
    get(id: string, fetch: () => Promise<T>): Promise<T> {
      const e = entryOf(id);
      return e.value && o.now() < e.renewAt ? Promise.resolve(e.value) : renew(e, fetch);
    },
    /** A new token after the upstream refused `rejected` (401): one fetch, unless another request already replaced it. */
    afterRejection(id: string, rejected: string, fetch: () => Promise<T>): Promise<T> {
      const e = entryOf(id);
      if (e.pending) return e.pending;
      if (e.value && e.value.token !== rejected) return Promise.resolve(e.value);
      e.value = undefined;
      return renew(e, fetch);
    },
    /** Drops the token of `id`: the next request fetches a new one. */
    forget(id: string): void {
      entries.delete(id);
    },
  };
}
