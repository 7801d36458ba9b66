import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { exchangeServiceAccountJwt } from './exchange-service-account-jwt.ts';
import { loadServiceAccountKey, type ServiceAccountKey } from './load-service-account-key.ts';
import { signServiceAccountJwt } from './sign-service-account-jwt.ts';

/** A token is renewed this long before it expires (or at half its life, if that comes first). */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** Providers × credentials remembered; past it the oldest entry is dropped. */
const MAX_ENTRIES = 64;

/** A live access token and the project its key belongs to. */
export interface ServiceAccountGrant {
  token: string;
  projectId?: string;
}

/** One provider's token: the current one and the refresh in flight, if any. */
export interface TokenEntry {
  grant?: ServiceAccountGrant;
  refreshAt: number;
  pending?: Promise<ServiceAccountGrant>;
}

/** What a refresh uses: the gateway's outbound client, clock and redaction list. */
export interface TokenDeps {
  http: HttpClient;
  now(): number;
  registerSecret?(value: string): void;
}

/**
 * Access tokens of service-account keys, cached per provider and `credentials:` value in
 * `entries` (kept across plugin reloads). A token is reused until shortly before it expires;
 * concurrent requests that find it stale share one refresh, which reads the key file, signs a
 * JWT and exchanges it. The private key, the assertion and every token go to the redaction list.
 * Errors: those of `loadServiceAccountKey` and `exchangeServiceAccountJwt`; a failed refresh is
 * not cached, the next request tries again.
 */
export function serviceAccountTokens(entries: Map<string, TokenEntry>, deps: TokenDeps) {
  const refresh = (entry: TokenEntry, provider: ProviderRuntime, credentials: string) => {
    entry.pending ??= (async () => {
      const key = await loadServiceAccountKey(credentials);
      registerKey(key, credentials, deps);
      const issuedAt = deps.now();
      const assertion = await signServiceAccountJwt(key, issuedAt);
      deps.registerSecret?.(assertion);
      const { token, expiresInS } = await exchangeServiceAccountJwt(deps.http, provider, key, assertion);
      deps.registerSecret?.(token);
      const lifeMs = expiresInS * 1000;
      entry.grant = { token, ...(key.projectId ? { projectId: key.projectId } : {}) };
      entry.refreshAt = issuedAt + Math.max(lifeMs - REFRESH_AHEAD_MS, lifeMs / 2);
      return entry.grant;
    })().finally(() => {
      entry.pending = undefined;
    });
    return entry.pending;
  };
  const entryOf = (id: string): TokenEntry => entries.get(id) ?? remember(entries, id, { refreshAt: 0 });
  return {
    /** The current token of the provider's key, refreshed first when it is about to expire. */
    get(provider: ProviderRuntime, credentials: string): Promise<ServiceAccountGrant> {
      const id = `${provider.name}\0${credentials}`;
      const entry = entryOf(id);
      if (entry.grant && deps.now() < entry.refreshAt) return Promise.resolve(entry.grant);
      return refresh(entry, provider, credentials);
    },
    /**
     * A new token after the upstream refused `rejected` (401): one refresh, unless another
     * request already replaced that token.
     */
    afterRejection(provider: ProviderRuntime, credentials: string, rejected: string): Promise<ServiceAccountGrant> {
      const id = `${provider.name}\0${credentials}`;
      const entry = entryOf(id);
      if (entry.pending) return entry.pending;
      if (entry.grant && entry.grant.token !== rejected) return Promise.resolve(entry.grant);
      entry.grant = undefined;
      return refresh(entry, provider, credentials);
    },
  };
}

function remember(entries: Map<string, TokenEntry>, id: string, entry: TokenEntry): TokenEntry {
  entries.set(id, entry);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return entry;
}

/** The key in the forms it could be quoted in: the PEM, the PEM as the JSON file spells it, inline JSON. */
function registerKey(key: ServiceAccountKey, credentials: string, deps: TokenDeps): void {
  deps.registerSecret?.(key.privateKey);
  deps.registerSecret?.(JSON.stringify(key.privateKey).slice(1, -1));
  if (credentials.trimStart().startsWith('{')) deps.registerSecret?.(credentials);
}
