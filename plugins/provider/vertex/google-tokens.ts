import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { createTokenCache, type TokenCacheEntry } from '../../../core/util/token-cache.ts';
import { exchangeServiceAccountJwt } from './exchange-service-account-jwt.ts';
import { loadServiceAccountKey, type ServiceAccountKey } from './load-service-account-key.ts';
import { signServiceAccountJwt } from './sign-service-account-jwt.ts';

/** A live access token, when it expires, and the project its key belongs to. */
export interface ServiceAccountGrant {
  token: string;
  expiresAt: number;
  projectId?: string;
}

/** One provider's cached token (the plugin keeps the map across reloads). */
export type TokenEntry = TokenCacheEntry<ServiceAccountGrant>;

/** What a refresh uses: the gateway's outbound client, clock and redaction list. */
export interface TokenDeps {
  http: HttpClient;
  now(): number;
  registerSecret?(value: string): void;
}

/**
 * Access tokens of service-account keys, cached per provider and `credentials:` value in
 * `entries` (`createTokenCache`: reused until shortly before they expire, one refresh shared by
 * the requests that find it stale). A refresh reads the key file, signs a JWT and exchanges it.
 * The private key, the assertion and every token go to the redaction list.
 * Errors: those of `loadServiceAccountKey` and `exchangeServiceAccountJwt`; a failed refresh is
 * not cached, the next request tries again.
 */
export function serviceAccountTokens(entries: Map<string, TokenEntry>, deps: TokenDeps) {
  const cache = createTokenCache<ServiceAccountGrant>({ now: deps.now, entries });
  const fetch = (provider: ProviderRuntime, credentials: string) => async (): Promise<ServiceAccountGrant> => {
    const key = await loadServiceAccountKey(credentials);
    registerKey(key, credentials, deps);
    const issuedAt = deps.now();
    const assertion = await signServiceAccountJwt(key, issuedAt);
    deps.registerSecret?.(assertion);
    const { token, expiresAt } = await exchangeServiceAccountJwt(deps.http, provider, key, assertion, deps.now);
    deps.registerSecret?.(token);
    return { token, expiresAt, ...(key.projectId ? { projectId: key.projectId } : {}) };
  };
  const idOf = (provider: ProviderRuntime, credentials: string) => `${provider.name}\0${credentials}`;
  return {
    /** The current token of the provider's key, refreshed first when it is about to expire. */
    get(provider: ProviderRuntime, credentials: string): Promise<ServiceAccountGrant> {
      return cache.get(idOf(provider, credentials), fetch(provider, credentials));
    },
    /**
     * A new token after the upstream refused `rejected` (401): one refresh, unless another
     * request already replaced that token.
     */
    afterRejection(provider: ProviderRuntime, credentials: string, rejected: string): Promise<ServiceAccountGrant> {
      return cache.afterRejection(idOf(provider, credentials), rejected, fetch(provider, credentials));
    },
  };
}

/** The key in the forms it could be quoted in: the PEM, the PEM as the JSON file spells it, inline JSON. */
function registerKey(key: ServiceAccountKey, credentials: string, deps: TokenDeps): void {
  deps.registerSecret?.(key.privateKey);
  deps.registerSecret?.(JSON.stringify(key.privateKey).slice(1, -1));
  if (credentials.trimStart().startsWith('{')) deps.registerSecret?.(credentials);
}
