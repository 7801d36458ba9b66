import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { createTokenCache, type TokenCacheEntry } from '../../../core/util/token-cache.ts';
import { exchangeGoogleToken } from './exchange-google-token.ts';
import type { Env, GoogleCredentials } from './google-credentials.ts';
import { loadGoogleCredentials } from './load-google-credentials.ts';
import { signServiceAccountJwt } from './sign-service-account-jwt.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A live access token, when it expires, and the projects its credential names. */
export interface GoogleGrant {
  token: string;
  expiresAt: number;
  /** The default project: a service-account key's `project_id`, user credentials' `quota_project_id`. */
  projectId?: string;
  /** `quota_project_id`: sent as `x-goog-user-project`, the project billed for the calls. */
  quotaProjectId?: string;
}

/** One provider's cached token (the plugin keeps the map across reloads). */
export type TokenEntry = TokenCacheEntry<GoogleGrant>;

/** What a refresh uses: the gateway's outbound client, clock, redaction list and environment (for `adc`). */
export interface TokenDeps {
  http: HttpClient;
  now(): number;
  registerSecret?(value: string): void;
  env: Env;
  /** The OS the ADC lookup assumes (tests); default the running one. */
  platform?: NodeJS.Platform;
}

/** The token source of the `vertex` provider (`googleTokens`). */
export type GoogleTokens = ReturnType<typeof googleTokens>;

/**
 * Access tokens of Google credentials (service-account keys and gcloud user credentials, named
 * by path, inline JSON or `adc`), cached per provider and `credentials:` value in `entries`
 * (`createTokenCache`: reused until shortly before they expire, one refresh shared by the
 * requests that find it stale). A refresh reads the credentials anew, then exchanges a signed
 * JWT (service account) or the refresh token (user) for an access token. The private key, the
 * client secret, the refresh token, the assertion and every access token go to the redaction list.
 * Errors: those of `loadGoogleCredentials` and `exchangeGoogleToken`; a failed refresh is not
 * cached, the next request tries again.
 */
export function googleTokens(entries: Map<string, TokenEntry>, deps: TokenDeps) {
  const cache = createTokenCache<GoogleGrant>({ now: deps.now, entries });
  const fetch = (provider: ProviderRuntime, credentials: string) => async (): Promise<GoogleGrant> => {
    const creds = await loadGoogleCredentials(credentials, { env: deps.env, ...(deps.platform ? { platform: deps.platform } : {}) });
    registerCredentials(creds, credentials, deps);
    const params = await grantOf(creds, deps);
    const { token, expiresAt } = await exchangeGoogleToken(deps.http, provider, creds, params, deps.now);
    deps.registerSecret?.(token);
    const projectId = creds.type === 'service_account' ? creds.projectId : creds.quotaProjectId;
    return { token, expiresAt, ...(projectId ? { projectId } : {}), ...(creds.quotaProjectId ? { quotaProjectId: creds.quotaProjectId } : {}) };
  };
  const idOf = (provider: ProviderRuntime, credentials: string) => `${provider.name}\0${credentials}`;
  return {
    /** The current token of the provider's credentials, refreshed first when it is about to expire. */
    get(provider: ProviderRuntime, credentials: string): Promise<GoogleGrant> {
      return cache.get(idOf(provider, credentials), fetch(provider, credentials));
    },
    /**
     * A new token after the upstream refused `rejected` (401): one refresh, unless another
     * request already replaced that token.
     */
    afterRejection(provider: ProviderRuntime, credentials: string, rejected: string): Promise<GoogleGrant> {
      return cache.afterRejection(idOf(provider, credentials), rejected, fetch(provider, credentials));
    },
  };
}

/**
 * The token request's form: the JWT-bearer grant with a freshly signed assertion (service
 * account), or the refresh-token grant (user credentials).
 */
async function grantOf(creds: GoogleCredentials, deps: TokenDeps): Promise<Record<string, string>> {
  if (creds.type === 'authorized_user') {
    return { grant_type: 'refresh_token', client_id: creds.clientId, client_secret: creds.clientSecret, refresh_token: creds.refreshToken };
  }
  const assertion = await signServiceAccountJwt(creds, deps.now());
  deps.registerSecret?.(assertion);
  return { grant_type: JWT_BEARER, assertion };
}

/** The credential's secrets in the forms they could be quoted in (a PEM also as the JSON file spells it), and inline JSON whole. */
function registerCredentials(creds: GoogleCredentials, credentials: string, deps: TokenDeps): void {
  const secrets = creds.type === 'service_account' ? [creds.privateKey] : [creds.clientSecret, creds.refreshToken];
  for (const s of secrets) {
    deps.registerSecret?.(s);
    deps.registerSecret?.(JSON.stringify(s).slice(1, -1));
  }
  if (credentials.trimStart().startsWith('{')) deps.registerSecret?.(credentials);
}
