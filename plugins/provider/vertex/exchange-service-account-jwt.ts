import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { clipMessage, readErrorBody } from '../../../core/util/upstream-error-body.ts';
import type { ServiceAccountKey } from './load-service-account-key.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** An access token and how long Google says it lives. */
export interface ExchangedToken {
  token: string;
  expiresInS: number;
}

/**
 * Trades a signed service-account JWT for an access token at the key's `token_uri`
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), through the gateway's outbound
 * client with the provider's network policy (SSRF guard, proxy, timeouts). The assertion is a
 * credential, so it only travels over https, unless the provider allows private networks (a
 * local test endpoint).
 * Errors: GW_UPSTREAM_AUTH (502; retryable when Google answered 429 or 5xx) naming Google's
 * `error` and `error_description`; the outbound client's own errors for the connection.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export async function exchangeServiceAccountJwt(
  http: HttpClient, provider: ProviderRuntime, key: ServiceAccountKey, assertion: string,
): Promise<ExchangedToken> {
  if (!key.tokenUri.startsWith('https://') && !provider.allowPrivateNetwork) {
    throw new GatewayError('GW_UPSTREAM_AUTH', `The service-account key's token_uri must be an https URL (provider "${provider.name}").`, { status: 502 });
  }
  const res = await http.fetch(key.tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
    allowPrivateNetwork: provider.allowPrivateNetwork,
    proxy: provider.proxy,
    timeouts: provider.timeouts,
    stream: false,
  });
  if (!res.ok) throw await refusal(res);
  const json = (await res.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (typeof json?.access_token !== 'string' || json.access_token === '') {
    throw new GatewayError('GW_UPSTREAM_AUTH', 'Google\'s token endpoint answered without an access_token.', { status: 502, retryable: true });
  }
  const expires = Number(json.expires_in);
  return { token: json.access_token, expiresInS: Number.isFinite(expires) && expires > 0 ? expires : 3600 };
}

async function refusal(res: Response): Promise<GatewayError> {
  let detail = '';
  try {
    const j = JSON.parse(await readErrorBody(res)) as { error?: unknown; error_description?: unknown };
    detail = [j.error, j.error_description].filter((x) => typeof x === 'string').join(': ');
  } catch {
    // no JSON: the status says enough
  }
  const message = `Google refused the service-account key (HTTP ${res.status}${detail ? `, ${clipMessage(detail, 300)}` : ''}).`;
  return new GatewayError('GW_UPSTREAM_AUTH', message, {
    status: 502, retryable: res.status === 429 || res.status >= 500, upstream: { status: res.status, message },
  });
}
