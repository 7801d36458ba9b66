import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { codeAssistUrl, discoverProject } from './code-assist-project.ts';
import { mapCodeAssistQuota } from './map-code-assist-quota.ts';

/**
 * Gemini CLI's OAuth client ("installed application": Google documents that its secret is not
 * confidential). Remote installs need their own client with their own redirect URI.
 */
export const GEMINI_CLI_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com';
export const GEMINI_CLI_CLIENT_SECRET = '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';

async function identify(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> {
  try {
    const res = await ctx.fetch(ctx.endpoints.urls.userinfo!, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
    if (res.ok) {
      const j = (await res.json()) as { email?: unknown };
      if (typeof j.email === 'string') return { accountId: j.email, label: j.email, meta: { email: j.email, project: tokens.extra?.project } };
    } else {
      await res.body?.cancel();
    }
  } catch {
    // the id token or a hash still names the account
  }
  const base = defaultIdentity(tokens);
  return { ...base, meta: { ...base.meta, project: tokens.extra?.project } };
}

/** `~/.gemini/oauth_creds.json`: `{ access_token, refresh_token, id_token, scope, token_type, expiry_date (ms) }`. */
function parseCreds(json: unknown): { tokens: TokenSet } {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o.access_token !== 'string') throw new Error('no access_token in the file');
  return {
    tokens: {
      accessToken: o.access_token,
      ...(typeof o.refresh_token === 'string' ? { refreshToken: o.refresh_token } : {}),
      ...(typeof o.id_token === 'string' ? { idToken: o.id_token } : {}),
      ...(typeof o.expiry_date === 'number' ? { expiresAt: o.expiry_date } : {}),
      ...(typeof o.scope === 'string' ? { scope: o.scope } : {}),
    },
  };
}

/**
 * OAuth data of the `gemini-cli` type: Google's PKCE login as Gemini CLI does it (offline
 * access, so a refresh token comes back; the redirect is this gateway's callback, a loopback
 * address Google accepts for installed apps), Code Assist project discovery / free-tier
 * onboarding after login, per-model quota, and `~/.gemini/oauth_creds.json`.
 *
 * @see https://github.com/google-gemini/gemini-cli/blob/main/packages/core/src/code_assist/oauth2.ts
 */
export const geminiCliOAuth: OAuthSpec = {
  type: 'gemini-cli',
  displayName: 'Gemini CLI (Gemini Code Assist for individuals)',
  flows: ['pkce', 'import'],
  endpoints: {
    clientId: GEMINI_CLI_CLIENT_ID,
    clientSecret: GEMINI_CLI_CLIENT_SECRET,
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes: ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile'],
    urls: { userinfo: 'https://www.googleapis.com/oauth2/v2/userinfo' },
  },
  tokenRequest: 'form',
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  async afterLogin(tokens, ctx) {
    const project = await discoverProject(tokens.accessToken, ctx);
    return { ...tokens, extra: { ...tokens.extra, project } };
  },
  identify,
  async usage(tokens, ctx) {
    const res = await ctx.fetch(codeAssistUrl(ctx, 'retrieveUserQuota'), {
      method: 'POST', headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ project: tokens.extra?.project }),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`retrieveUserQuota answered ${res.status}`);
    }
    return mapCodeAssistQuota(await res.json());
  },
  importer: { defaultPath: '~/.gemini/oauth_creds.json', pathEnv: 'SWITCHYARD_OAUTH_GEMINI_CLI_CREDENTIALS_FILE', parse: parseCreds },
  riskNotice: "Google's terms for Gemini Code Assist for individuals cover use through Gemini CLI and Code Assist; using the free tier through another tool or sharing it may breach them and get the account restricted. Use at your own risk, for your own use only.",
};
