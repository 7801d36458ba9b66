import { failureCode } from './aws-auth-error.ts';
import { jsonObject, safeCode, type AwsFetch } from './call-aws-service.ts';

/** A new access token from SSO OIDC, its life in seconds, and the refresh token that replaces the old one, if sent. */
export interface RefreshedSsoToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

/** What a refresh needs from the cached login. */
export interface SsoRefreshGrant {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * Refreshes an `[sso-session]` login with SSO OIDC's CreateToken:
 * `POST {oidc}/token` JSON `{"grantType":"refresh_token","clientId","clientSecret","refreshToken"}`,
 * answered `{"accessToken","expiresIn","refreshToken"?}`.
 * Errors: a plain Error whose message is a short reason safe to show (the service unreachable,
 * its HTTP status and OAuth error code, an answer without a token); the caller decides whether the
 * old token still serves.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
 */
export async function refreshSsoToken(oidcUrl: string, grant: SsoRefreshGrant, fetch: AwsFetch): Promise<RefreshedSsoToken> {
  let res: Response;
  let body: Record<string, unknown> | undefined;
  try {
    res = await fetch(`${oidcUrl}/token`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ grantType: 'refresh_token', clientId: grant.clientId, clientSecret: grant.clientSecret, refreshToken: grant.refreshToken }),
    });
    body = jsonObject(await res.text());
  } catch (e) {
    throw new Error(`SSO OIDC could not be reached (${failureCode(e)})`);
  }
  if (res.status !== 200) {
    const code = safeCode(body?.error);
    throw new Error(`SSO OIDC refused the refresh (HTTP ${res.status}${code ? ` ${code}` : ''})`);
  }
  const accessToken = typeof body?.accessToken === 'string' ? body.accessToken : '';
  const expiresIn = typeof body?.expiresIn === 'number' ? body.expiresIn : NaN;
  if (!accessToken || !(expiresIn > 0)) throw new Error('SSO OIDC answered without an access token and its lifetime');
  const refreshToken = typeof body?.refreshToken === 'string' && body.refreshToken ? body.refreshToken : undefined;
  return { accessToken, expiresIn, ...(refreshToken ? { refreshToken } : {}) };
}
