import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { callAntigravity, discoverAntigravityProject } from './antigravity-project.ts';
import { mapAntigravityQuota } from './map-antigravity-quota.ts';

/**
 * Antigravity's Google OAuth client ("installed application": its secret is not confidential,
 * as with Gemini CLI's). Remote installs bring their own client and redirect URI.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/antigravity/constants.go
 */
export const ANTIGRAVITY_CLIENT_ID = '884354919052-36trc1jjb3tguiac32ov6cod268c5blh.apps.googleusercontent.com';
export const ANTIGRAVITY_CLIENT_SECRET = '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';
/** Scopes Antigravity asks for (the last two are its own; Google refuses the login without them for this client). */
export const ANTIGRAVITY_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
  'https://www.googleapis.com/auth/cclog',
  'https://www.googleapis.com/auth/experimentsandconfigs',
];

async function identify(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> {
  const project = tokens.extra?.project;
  try {
    const res = await ctx.fetch(ctx.endpoints.urls.userinfo!, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
    if (res.ok) {
      const j = (await res.json()) as { email?: unknown };
      if (typeof j.email === 'string') return { accountId: j.email, label: j.email, meta: { email: j.email, project } };
    } else {
      await res.body?.cancel();
    }
  } catch {
    // the id token or a hash still names the account
  }
  const base = defaultIdentity(tokens);
  return { ...base, meta: { ...base.meta, project } };
}

/**
 * OAuth data of the `antigravity` type: Google's PKCE login with Antigravity's client (offline
 * access; the redirect is this gateway's callback, a loopback address Google accepts for
 * installed apps, or a pasted `http://localhost:51121/oauth-callback`), project discovery /
 * onboarding after login, and per-model quota from `fetchAvailableModels`. Antigravity keeps
 * its own login inside the app, so there is no credential file to import.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/antigravity/auth.go
 */
export const antigravityOAuth: OAuthSpec = {
  type: 'antigravity',
  displayName: 'Antigravity (Google login)',
  flows: ['pkce'],
  endpoints: {
    clientId: ANTIGRAVITY_CLIENT_ID,
    clientSecret: ANTIGRAVITY_CLIENT_SECRET,
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes: ANTIGRAVITY_SCOPES,
    urls: { userinfo: 'https://www.googleapis.com/oauth2/v2/userinfo' },
  },
  tokenRequest: 'form',
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  async afterLogin(tokens, ctx) {
    const project = await discoverAntigravityProject(tokens.accessToken, ctx);
    return { ...tokens, extra: { ...tokens.extra, project } };
  },
  identify,
  async usage(tokens, ctx) {
    const project = tokens.extra?.project;
    return mapAntigravityQuota(await callAntigravity(ctx, tokens.accessToken, 'fetchAvailableModels', project ? { project } : {}));
  },
  riskNotice: "Google offers Antigravity's model quota for use inside the Antigravity app; using it through another tool or sharing it may breach Google's terms and get the account restricted. Use at your own risk, for your own use only.",
};
