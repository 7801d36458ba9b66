import { OAuthError } from './oauth-error.ts';
import type { OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { accessTokenValid, refreshDue, refreshTokenSet } from './refresh-token-set.ts';

/**
 * The tokens of a finished login, refreshed first when their access token has expired or
 * expires within `skewMs` and a refresh token is there. An imported credentials file often holds
 * an access token that died an hour ago (the official CLI was not used since), and what runs
 * after a login calls the provider with it: Code Assist project discovery, Copilot's exchange,
 * the profile that names the account. Tokens without an access token (Copilot's imported GitHub
 * token, which `afterLogin` exchanges) or without an expiry are returned as they are.
 *
 * Errors: OAuthError `import_failed` when the refresh is refused (the file's login is dead); a
 * refresh that merely failed is rethrown unless the access token is still valid.
 */
export async function refreshStaleLogin(spec: OAuthSpec, ctx: OAuthSpecContext, tokens: TokenSet, skewMs: number): Promise<TokenSet> {
  if (!tokens.accessToken || !tokens.refreshToken || !refreshDue(tokens, ctx.now(), skewMs)) return tokens;
  const r = await refreshTokenSet(spec, ctx, tokens);
  if (r.ok) return r.tokens;
  if (r.revoked) throw new OAuthError('import_failed', `the login in this file has expired and its refresh was refused (${r.reason}): log in again`);
  if (accessTokenValid(tokens, ctx.now())) return tokens;
  throw r.error;
}
