import { providerFetch } from '../../../core/http/provider-fetch.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import { isRevoked, OAuthError } from '../../../core/oauth/oauth-error.ts';
import { postTokenRequest } from '../../../core/oauth/token-endpoint.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { clipMessage } from '../../../core/util/upstream-error-body.ts';
import { googleAuthError, type GoogleCredentials } from './google-credentials.ts';

/** Google's tokens live an hour; an answer without `expires_in` is taken to say so. */
const DEFAULT_LIFE_MS = 3600_000;

/** An access token and when it expires. */
export interface ExchangedToken {
  token: string;
  expiresAt: number;
}

const LABEL = { service_account: 'the service-account key', authorized_user: 'the user credentials' } as const;

/**
 * Sends one grant to the credential's `token_uri` (the standard token request of
 * `postTokenRequest`, form-encoded) and returns the access token: `params` is the JWT-bearer
 * grant of a service account or the refresh-token grant of user credentials. It goes through the
 * gateway's outbound client with the provider's network policy (SSRF guard, proxy, timeouts).
 * The grant is a credential, so it only travels over https, unless the provider allows private
 * networks (a local test endpoint).
 * Errors: GW_UPSTREAM_AUTH (502; retryable when Google answered 429 or 5xx, or could not be
 * reached) naming Google's `error` and `error_description`; for user credentials Google no
 * longer accepts (`invalid_grant`: revoked or expired), the message says to log in again.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * @see https://developers.google.com/identity/protocols/oauth2/web-server#offline
 */
export async function exchangeGoogleToken(
  http: HttpClient, provider: ProviderRuntime, credentials: GoogleCredentials, params: Record<string, string>, now: () => number,
): Promise<ExchangedToken> {
  const label = LABEL[credentials.type];
  if (!credentials.tokenUri.startsWith('https://') && !provider.allowPrivateNetwork) {
    throw googleAuthError(`The token_uri of ${label} must be an https URL (provider "${provider.name}").`);
  }
  const fetch = providerFetch(http, provider, { timeouts: provider.timeouts, stream: false });
  try {
    const tokens = await postTokenRequest({ fetch, now }, credentials.tokenUri, params);
    return { token: tokens.accessToken, expiresAt: tokens.expiresAt ?? now() + DEFAULT_LIFE_MS };
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    const relogin = credentials.type === 'authorized_user' && isRevoked(e)
      ? ' The gcloud login is no longer valid (revoked, expired or replaced): run `gcloud auth application-default login` again.'
      : '';
    const message = e.status > 0
      ? `Google refused ${label} (HTTP ${e.status}, ${clipMessage(e.message, 300)}).${relogin}`
      : `Google's token endpoint gave no token: ${clipMessage(e.message, 300)}.`;
    throw googleAuthError(message, {
      retryable: e.status === 0 || e.status === 429 || e.status >= 500,
      ...(e.status > 0 ? { upstream: { status: e.status, message } } : {}),
    });
  }
}
