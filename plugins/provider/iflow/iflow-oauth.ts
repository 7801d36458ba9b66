import { refreshWithToken } from '../../../core/oauth/authorization-code-flow.ts';
import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';

/**
 * iFlow CLI's OAuth client (the client secret ships in the CLI, so it is not confidential).
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/iflow/iflow_auth.go
 */
export const IFLOW_CLIENT_ID = '10009311001';
export const IFLOW_CLIENT_SECRET = '4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW';
/** The redirect iFlow CLI registers (a loopback port nothing listens on here: the user pastes the address). */
export const IFLOW_REDIRECT_URI = 'http://localhost:11451/oauth2callback';

/** What the account-info endpoint tells about a token: the API key the chat API takes, and who it is. */
interface IflowAccount { apiKey: string; email?: string; phone?: string }

/**
 * `GET {userinfo}?accessToken=…` → `{ success, data: { apiKey, email, phone } }`. iFlow takes the
 * token in the query, not a header.
 *
 * Errors: OAuthError `invalid_grant` when iFlow refuses the token (401/403, or `success: false`),
 * `server_error` for other failures.
 */
export async function fetchIflowAccount(accessToken: string, ctx: Pick<OAuthSpecContext, 'fetch' | 'endpoints'>): Promise<IflowAccount> {
  const url = new URL(ctx.endpoints.urls.userinfo!);
  url.searchParams.set('accessToken', accessToken);
  const res = await ctx.fetch(url.toString(), { headers: { accept: 'application/json' } });
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new OAuthError('invalid_grant', `invalid_grant: iFlow refused the token (HTTP ${res.status})`, res.status);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new OAuthError('server_error', `the iFlow account endpoint answered HTTP ${res.status}`, res.status);
  }
  const j = (await res.json().catch(() => ({}))) as { success?: unknown; data?: Record<string, unknown> };
  const apiKey = j.data?.apiKey;
  if (j.success !== true || typeof apiKey !== 'string' || !apiKey) throw new OAuthError('invalid_grant', 'invalid_grant: iFlow returned no API key for this login');
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { apiKey, ...(str(j.data?.email) ? { email: str(j.data?.email) } : {}), ...(str(j.data?.phone) ? { phone: str(j.data?.phone) } : {}) };
}

/** The token set with the account's API key (and who it is) beside the OAuth tokens. */
function withAccount(tokens: TokenSet, a: IflowAccount): TokenSet {
  const who = a.email ?? a.phone;
  return { ...tokens, extra: { ...tokens.extra, apiKey: a.apiKey, ...(who ? { account: who } : {}) } };
}

function identify(tokens: TokenSet): AccountIdentity {
  const who = tokens.extra?.account;
  if (who) return { accountId: who, label: who, meta: who.includes('@') ? { email: who } : {} };
  return defaultIdentity(tokens);
}

/** `~/.iflow/oauth_creds.json`: `{ access_token, refresh_token, expiry_date (ms), apiKey, … }`. */
function parseCreds(json: unknown): { tokens: TokenSet } {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o.access_token !== 'string') throw new Error('no access_token in the file');
  const apiKey = typeof o.apiKey === 'string' ? o.apiKey : typeof o.api_key === 'string' ? o.api_key : undefined;
  return {
    tokens: {
      accessToken: o.access_token,
      ...(typeof o.refresh_token === 'string' ? { refreshToken: o.refresh_token } : {}),
      ...(typeof o.expiry_date === 'number' ? { expiresAt: o.expiry_date } : {}),
      ...(apiKey ? { extra: { apiKey } } : {}),
    },
  };
}

/**
 * OAuth data of the `iflow` type: iFlow's authorization-code login (its login page reads the
 * redirect from `redirect`; the code exchange and refresh authenticate the client with HTTP
 * Basic as well as in the form; a PKCE pair is sent too, which iFlow is not known to check),
 * then the API key the chat API takes, fetched from the account-info endpoint after every
 * login and refresh. Import of iFlow CLI's `~/.iflow/oauth_creds.json`.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/iflow/iflow_auth.go
 */
export const iflowOAuth: OAuthSpec = {
  type: 'iflow',
  displayName: 'iFlow (iflow.cn login)',
  flows: ['pkce', 'import'],
  endpoints: {
    clientId: IFLOW_CLIENT_ID,
    clientSecret: IFLOW_CLIENT_SECRET,
    authorizeUrl: 'https://iflow.cn/oauth',
    tokenUrl: 'https://iflow.cn/oauth/token',
    redirectUri: IFLOW_REDIRECT_URI,
    scopes: [],
    urls: { userinfo: 'https://iflow.cn/api/oauth/getUserInfo' },
  },
  tokenRequest: 'form',
  authorizeParams: { loginMethod: 'phone', type: 'phone' },
  redirectParam: 'redirect',
  basicAuth: true,
  secretExtras: ['apiKey'],
  async afterLogin(tokens, ctx) {
    try {
      return withAccount(tokens, await fetchIflowAccount(tokens.accessToken, ctx));
    } catch (e) {
      // An imported file may carry a key already; without one the login is useless.
      if (tokens.extra?.apiKey) return tokens;
      throw e;
    }
  },
  async refresh(tokens, ctx) {
    const next = await refreshWithToken(ctx, iflowOAuth, tokens);
    try {
      return withAccount(next, await fetchIflowAccount(next.accessToken, ctx));
    } catch (e) {
      // The key of the previous token usually stays valid; keep it rather than lose the account.
      if (next.extra?.apiKey) return next;
      throw e;
    }
  },
  identify,
  importer: { defaultPath: '~/.iflow/oauth_creds.json', pathEnv: 'SWITCHYARD_OAUTH_IFLOW_CREDENTIALS_FILE', parse: parseCreds },
  riskNotice: "iFlow's free models are offered for use through iFlow CLI and iFlow's own apps; using them through another tool or sharing the account may breach iflow.cn's terms. Use at your own risk, for your own use only.",
};
