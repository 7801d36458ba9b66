import { OAuthError } from './oauth-error.ts';
import type { OAuthEndpoints, OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { postTokenRequest } from './token-endpoint.ts';

/**
 * The authorize URL of an authorization-code + PKCE (S256) login.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.1
 * @see https://datatracker.ietf.org/doc/html/rfc7636#section-4.3
 */
export function buildAuthorizeUrl(
  ep: OAuthEndpoints, o: { state: string; challenge: string; redirectUri: string; params?: Record<string, string>; redirectParam?: string },
): string {
  if (!ep.authorizeUrl) throw new OAuthError('unsupported', 'this provider has no authorize endpoint');
  const url = new URL(ep.authorizeUrl);
  const q = url.searchParams;
  for (const [k, v] of Object.entries(o.params ?? {})) q.set(k, v);
  q.set('response_type', 'code');
  q.set('client_id', ep.clientId);
  q.set('redirect_uri', o.redirectUri);
  if (o.redirectParam) q.set(o.redirectParam, o.redirectUri);
  if (ep.scopes.length > 0) q.set('scope', ep.scopes.join(' '));
  q.set('code_challenge', o.challenge);
  q.set('code_challenge_method', 'S256');
  q.set('state', o.state);
  return url.toString();
}

/** What a pasted redirect (or a callback query) carried. */
export interface RedirectInput {
  code?: string;
  state?: string;
  /** The server's `error` (the user refused, …). */
  error?: string;
}

/**
 * Reads what a user pasted after logging in: the whole redirect URL
 * (`http://localhost:1455/auth/callback?code=…&state=…`), a bare query string, Anthropic's
 * `code#state` display, or the code alone.
 */
export function parseRedirectInput(text: string): RedirectInput {
  const t = text.trim();
  if (!t) return {};
  const query = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? URL.parse(t)?.searchParams
    : t.includes('=') ? new URLSearchParams(t.replace(/^[?#]/, '')) : undefined;
  if (query) {
    const out: RedirectInput = {};
    for (const k of ['code', 'state', 'error'] as const) {
      const v = query.get(k);
      if (v) out[k] = v;
    }
    // Some pages put `#state` after the code even in a URL.
    if (out.code?.includes('#') && !out.state) [out.code, out.state] = out.code.split('#', 2) as [string, string];
    return out;
  }
  const [code, state] = t.split('#', 2);
  return { code, ...(state ? { state } : {}) };
}

/**
 * Exchanges an authorization code for tokens, proving possession with the PKCE verifier.
 *
 * Errors: OAuthError as `postTokenRequest` (a wrong verifier or a reused code is `invalid_grant`).
 *
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.3
 */
export function exchangeCode(
  ctx: Pick<OAuthSpecContext, 'fetch' | 'now' | 'endpoints'>, spec: Pick<OAuthSpec, 'tokenRequest' | 'stateInTokenRequest' | 'tokenExtras' | 'basicAuth'>,
  o: { code: string; verifier: string; redirectUri: string; state: string },
): Promise<TokenSet> {
  const ep = ctx.endpoints;
  const params: Record<string, string> = {
    grant_type: 'authorization_code', code: o.code, redirect_uri: o.redirectUri, client_id: ep.clientId, code_verifier: o.verifier,
    ...(ep.clientSecret ? { client_secret: ep.clientSecret } : {}),
    ...(spec.stateInTokenRequest ? { state: o.state } : {}),
  };
  return postTokenRequest(ctx, ep.tokenUrl, params, spec.tokenRequest ?? 'form', undefined, spec.tokenExtras, clientAuth(spec, ep));
}

/**
 * The `refresh_token` grant (RFC 6749 §6). The old refresh token is kept when the answer
 * carries none.
 *
 * Errors: OAuthError `invalid_grant` for a revoked or expired refresh token; others as answered.
 */
export function refreshWithToken(
  ctx: Pick<OAuthSpecContext, 'fetch' | 'now' | 'endpoints'>, spec: Pick<OAuthSpec, 'tokenRequest' | 'refreshParams' | 'tokenExtras' | 'basicAuth'>, tokens: TokenSet,
): Promise<TokenSet> {
  if (!tokens.refreshToken) return Promise.reject(new OAuthError('invalid_grant', 'invalid_grant: the account has no refresh token'));
  const ep = ctx.endpoints;
  const params: Record<string, string> = {
    grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: ep.clientId,
    ...(ep.clientSecret ? { client_secret: ep.clientSecret } : {}), ...spec.refreshParams,
  };
  return postTokenRequest(ctx, ep.tokenUrl, params, spec.tokenRequest ?? 'form', tokens, spec.tokenExtras, clientAuth(spec, ep));
}

/** HTTP Basic client credentials for servers that want them besides the body (iFlow). */
function clientAuth(spec: Pick<OAuthSpec, 'basicAuth'>, ep: OAuthEndpoints): Record<string, string> | undefined {
  if (!spec.basicAuth) return undefined;
  return { authorization: `Basic ${Buffer.from(`${ep.clientId}:${ep.clientSecret ?? ''}`).toString('base64')}` };
}
