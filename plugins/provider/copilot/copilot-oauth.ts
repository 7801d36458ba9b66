import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { githubHeaders } from './copilot-headers.ts';
import { mapCopilotQuota } from './map-copilot-quota.ts';

/** The GitHub App id of VS Code's Copilot extension (public; device flow). */
export const COPILOT_CLIENT_ID = 'Iv1.b507a08c87ecfe98';

/**
 * Exchanges the GitHub token (kept as the refresh token) for a short-lived Copilot token
 * (`GET /copilot_internal/v2/token` → `{ token, expires_at, refresh_in, endpoints: { api } }`).
 * A 401/403 means the GitHub token was revoked or the user has no Copilot seat: `invalid_grant`,
 * so the account is marked `needs-reauth`; but GitHub also answers a rate limit with 403
 * (`x-ratelimit-remaining: 0`, `retry-after`, or the message says so), which only waits.
 */
async function exchange(tokens: TokenSet, ctx: OAuthSpecContext): Promise<TokenSet> {
  const gh = tokens.refreshToken;
  if (!gh) throw new OAuthError('invalid_grant', 'invalid_grant: no GitHub token stored');
  const res = await ctx.fetch(ctx.endpoints.urls.copilotToken!, { headers: githubHeaders(gh) });
  if (res.status === 403 && (await isRateLimited(res))) {
    throw new OAuthError('server_error', 'GitHub rate-limited the Copilot token exchange (HTTP 403)', res.status);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new OAuthError('invalid_grant', `invalid_grant: GitHub refused the Copilot token exchange (HTTP ${res.status})`, res.status);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new OAuthError('server_error', `the Copilot token exchange answered HTTP ${res.status}`, res.status);
  }
  const j = (await res.json()) as { token?: unknown; expires_at?: unknown; endpoints?: { api?: unknown } };
  if (typeof j.token !== 'string' || !j.token) throw new OAuthError('server_error', 'the Copilot token exchange answered without a token');
  const api = typeof j.endpoints?.api === 'string' ? j.endpoints.api : undefined;
  return {
    accessToken: j.token,
    refreshToken: gh,
    ...(typeof j.expires_at === 'number' ? { expiresAt: localExpiry(j.expires_at, res.headers.get('date'), ctx.now()) } : {}),
    extra: { ...tokens.extra, ...(api ? { apiBase: api } : {}) },
  };
}

/**
 * `expires_at` (epoch seconds on GitHub's clock) on the gateway's clock: the token's lifetime
 * measured against the answer's `Date` header, added to the local time. A gateway clock that
 * runs ahead (a VM or WSL after sleep) would otherwise see every fresh 30-minute token as
 * expired and exchange again on each request; one that lags would send expired tokens.
 */
function localExpiry(expiresAtSec: number, date: string | null, now: number): number {
  const server = date ? Date.parse(date) : NaN;
  return Number.isFinite(server) ? now + (expiresAtSec * 1000 - server) : expiresAtSec * 1000;
}

/** A GitHub 403 that is a rate limit, not a refusal (its body is read). */
async function isRateLimited(res: Response): Promise<boolean> {
  if (res.headers.get('x-ratelimit-remaining') === '0' || res.headers.has('retry-after')) {
    await res.body?.cancel();
    return true;
  }
  const text = await res.clone().text().catch(() => '');
  return /rate limit/i.test(text);
}

async function identify(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> {
  const res = await ctx.fetch(ctx.endpoints.urls.user!, { headers: githubHeaders(tokens.refreshToken ?? '') });
  if (!res.ok) throw new OAuthError('server_error', `GitHub /user answered HTTP ${res.status}`, res.status);
  const j = (await res.json()) as { login?: unknown; id?: unknown };
  const login = typeof j.login === 'string' ? j.login : String(j.id ?? 'github-user');
  return { accountId: login, label: login, meta: { github: login } };
}

/**
 * `~/.config/github-copilot/apps.json` (or `hosts.json`) as the Copilot editors write it:
 * `{ "github.com:<app id>": { user, oauth_token } }`.
 */
function parseApps(json: unknown): { tokens: TokenSet } {
  const entries = json && typeof json === 'object' ? Object.values(json as Record<string, { oauth_token?: unknown }>) : [];
  const tok = entries.map((e) => e?.oauth_token).find((v): v is string => typeof v === 'string' && v !== '');
  if (!tok) throw new Error('no oauth_token entry in the file');
  return { tokens: { accessToken: '', refreshToken: tok, expiresAt: 0 } };
}

/**
 * OAuth data of the `copilot` type: GitHub's device flow (the user enters a code at
 * github.com/login/device), then Copilot's token exchange, repeated before each short-lived
 * Copilot token expires; the monthly quota snapshot; the editors' `apps.json`.
 *
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 */
export const copilotOAuth: OAuthSpec = {
  type: 'copilot',
  displayName: 'GitHub Copilot',
  flows: ['device', 'import'],
  endpoints: {
    clientId: COPILOT_CLIENT_ID,
    deviceCodeUrl: 'https://github.com/login/device/code',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    scopes: ['read:user'],
    urls: {
      copilotToken: 'https://api.github.com/copilot_internal/v2/token',
      user: 'https://api.github.com/user',
      quota: 'https://api.github.com/copilot_internal/user',
    },
  },
  tokenRequest: 'form',
  keyIs: 'refresh-token',
  async afterLogin(tokens, ctx) {
    // The device flow (or the file) gives the GitHub token; what the API takes is a Copilot token.
    const gh = tokens.accessToken || tokens.refreshToken;
    return exchange({ accessToken: '', ...(gh ? { refreshToken: gh } : {}), ...(tokens.extra ? { extra: tokens.extra } : {}) }, ctx);
  },
  refresh: exchange,
  identify,
  async usage(tokens, ctx) {
    const res = await ctx.fetch(ctx.endpoints.urls.quota!, { headers: githubHeaders(tokens.refreshToken ?? '') });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`quota endpoint answered ${res.status}`);
    }
    return mapCopilotQuota(await res.json());
  },
  importer: {
    defaultPath: '~/.config/github-copilot/apps.json', pathEnv: 'SWITCHYARD_OAUTH_COPILOT_CREDENTIALS_FILE',
    homeEnv: { name: 'XDG_CONFIG_HOME', file: 'github-copilot/apps.json' }, parse: parseApps,
  },
  riskNotice: "GitHub's terms license Copilot to you for use in supported editors and tools; serving it through a proxy to other clients or people may breach them and lead to suspension. Use at your own risk, for your own use only.",
};
