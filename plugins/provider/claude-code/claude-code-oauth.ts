import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { mapClaudeUsage } from './map-claude-usage.ts';

/** Claude Code's public OAuth client (the official CLI's). */
export const CLAUDE_CODE_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
/** The beta flag that lets the Messages API accept an OAuth bearer token. */
export const OAUTH_BETA = 'oauth-2025-04-20';

/** Headers of the OAuth side endpoints (profile, usage). */
function oauthHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'anthropic-beta': OAUTH_BETA, accept: 'application/json', 'content-type': 'application/json' };
}

/** The account behind a token: `GET /api/oauth/profile` (email, plan); a token hash when it fails. */
async function identify(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> {
  try {
    const res = await ctx.fetch(ctx.endpoints.urls.profile!, { headers: oauthHeaders(tokens.accessToken) });
    if (res.ok) {
      const j = (await res.json()) as { account?: { email?: string; uuid?: string; has_claude_max?: boolean; has_claude_pro?: boolean } };
      const a = j.account ?? {};
      const id = a.email ?? a.uuid;
      const plan = a.has_claude_max ? 'max' : a.has_claude_pro ? 'pro' : undefined;
      if (id) return { accountId: id, label: id, meta: { ...(a.email ? { email: a.email } : {}), ...(plan ? { plan } : {}) } };
    } else {
      await res.body?.cancel();
    }
  } catch {
    // fall through: an account id from the token hash still works
  }
  return defaultIdentity(tokens);
}

/** `~/.claude/.credentials.json`: `{ claudeAiOauth: { accessToken, refreshToken, expiresAt (ms), scopes, subscriptionType } }`. */
function parseCredentials(json: unknown): { tokens: TokenSet } {
  const o = (json as { claudeAiOauth?: Record<string, unknown> } | null)?.claudeAiOauth;
  if (!o || typeof o.accessToken !== 'string') throw new Error('no claudeAiOauth.accessToken in the file');
  const expiresAt = typeof o.expiresAt === 'number' ? o.expiresAt : undefined;
  return {
    tokens: {
      accessToken: o.accessToken,
      ...(typeof o.refreshToken === 'string' ? { refreshToken: o.refreshToken } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(Array.isArray(o.scopes) ? { scope: o.scopes.join(' ') } : {}),
    },
  };
}

/**
 * OAuth data of the `claude-code` type: Anthropic's PKCE login for Claude Pro/Max (the code is
 * shown on platform.claude.com as `code#state` and pasted back), token refresh, the usage
 * windows (5 h, 7 d) and the Claude Code credentials file.
 *
 * @see https://docs.anthropic.com/en/docs/claude-code/iam (Claude Code login with a subscription)
 */
export const claudeCodeOAuth: OAuthSpec = {
  type: 'claude-code',
  displayName: 'Claude Code (Claude Pro / Max)',
  flows: ['pkce', 'import'],
  endpoints: {
    clientId: CLAUDE_CODE_CLIENT_ID,
    authorizeUrl: 'https://claude.ai/oauth/authorize',
    // console.anthropic.com answered 404 from mid-2026; Claude Code moved to platform.claude.com.
    tokenUrl: 'https://platform.claude.com/v1/oauth/token',
    redirectUri: 'https://platform.claude.com/oauth/code/callback',
    scopes: ['org:create_api_key', 'user:profile', 'user:inference'],
    urls: { usage: 'https://api.anthropic.com/api/oauth/usage', profile: 'https://api.anthropic.com/api/oauth/profile' },
  },
  tokenRequest: 'json',
  stateInTokenRequest: true,
  authorizeParams: { code: 'true' },
  identify,
  async usage(tokens, ctx) {
    const res = await ctx.fetch(ctx.endpoints.urls.usage!, { headers: oauthHeaders(tokens.accessToken) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`usage endpoint answered ${res.status}`);
    }
    return mapClaudeUsage(await res.json());
  },
  importer: {
    defaultPath: '~/.claude/.credentials.json', pathEnv: 'SWITCHYARD_OAUTH_CLAUDE_CODE_CREDENTIALS_FILE',
    homeEnv: { name: 'CLAUDE_CONFIG_DIR', file: '.credentials.json' }, parse: parseCredentials,
  },
  riskNotice: "Anthropic's Consumer Terms allow Claude Pro/Max use through Claude Code and Anthropic's own apps; routing the subscription through another tool may breach them and can get the account limited or banned. Use at your own risk, for your own use only.",
};
