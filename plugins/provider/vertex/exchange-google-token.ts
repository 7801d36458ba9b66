import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import { postTokenRequest } from '../../../core/oauth/token-endpoint.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { clipMessage } from '../../../core/util/upstream-error-body.ts';
import type { ServiceAccountKey } from './load-service-account-key.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google's tokens live an hour; an answer without `expires_in` is taken to say so. */
const DEFAULT_LIFE_MS = 3600_000;

/** An access token and when it expires. */
export interface ExchangedToken {
  token: string;
  expiresAt: number;
}

/**
 * Trades a signed service-account JWT for an access token at the key's `token_uri`
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, the standard token request of
 * `postTokenRequest`), through the gateway's outbound client with the provider's network policy
 * (SSRF guard, proxy, timeouts). The assertion is a credential, so it only travels over https,
 * unless the provider allows private networks (a local test endpoint).
 * Errors: GW_UPSTREAM_AUTH (502; retryable when Google answered 429 or 5xx, or could not be
 * reached) naming Google's `error` and `error_description`.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export async function exchangeServiceAccountJwt(
  http: HttpClient, provider: ProviderRuntime, key: ServiceAccountKey, assertion: string, now: () => number,
): Promise<ExchangedToken> {
  if (!key.tokenUri.startsWith('https://') && !provider.allowPrivateNetwork) {
    throw new GatewayError('GW_UPSTREAM_AUTH', `The service-account key's token_uri must be an https URL (provider "${provider.name}").`, { status: 502 });
  }
  const fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => http.fetch(url, {
    ...init, allowPrivateNetwork: provider.allowPrivateNetwork, proxy: provider.proxy, timeouts: provider.timeouts, stream: false,
  });
  try {
    const tokens = await postTokenRequest({ fetch, now }, key.tokenUri, { grant_type: JWT_BEARER, assertion });
    return { token: tokens.accessToken, expiresAt: tokens.expiresAt ?? now() + DEFAULT_LIFE_MS };
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    const message = e.status > 0
      ? `Google refused the service-account key (HTTP ${e.status}, ${clipMessage(e.message, 300)}).`
      : `Google's token endpoint gave no token: ${clipMessage(e.message, 300)}.`;
    throw new GatewayError('GW_UPSTREAM_AUTH', message, {
      status: 502, retryable: e.status === 0 || e.status === 429 || e.status >= 500,
      ...(e.status > 0 ? { upstream: { status: e.status, message } } : {}),
    });
  }
}
