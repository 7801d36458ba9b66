import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import { jwtClaims } from '../../../core/oauth/jwt-claims.ts';
import type { AccountIdentity, OAuthSpec, OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import {
  createKiroDeviceToken, oidcUrlForRegion, refreshKiroOidc, refreshKiroSocial, registerKiroClient, startKiroDeviceAuthorization,
} from './kiro-sso-oidc.ts';
import { kiroUsageEmail, mapKiroUsage } from './map-kiro-usage.ts';
import { parseKiroCredentials } from './parse-kiro-credentials.ts';

/** The AWS Builder ID start URL (Identity Center users set `oauth: { start_url }` to their portal). */
export const BUILDER_ID_START_URL = 'https://view.awsapps.com/start';
/** Scopes Kiro registers its OIDC client with. */
export const KIRO_SCOPES = [
  'codewhisperer:completions', 'codewhisperer:analysis', 'codewhisperer:conversations', 'codewhisperer:transformations', 'codewhisperer:taskassist',
];

async function fetchUsage(tokens: TokenSet, ctx: OAuthSpecContext): Promise<unknown> {
  const url = new URL(ctx.endpoints.urls.usage!);
  url.searchParams.set('origin', 'AI_EDITOR');
  url.searchParams.set('resourceType', 'AGENTIC_REQUEST');
  const arn = tokens.extra?.profileArn ?? (typeof ctx.provider.options.profile_arn === 'string' ? ctx.provider.options.profile_arn : undefined);
  if (arn) url.searchParams.set('profileArn', arn);
  const res = await ctx.fetch(url.toString(), { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`getUsageLimits answered ${res.status}`);
  }
  return res.json();
}

/** The account: the e-mail `getUsageLimits` names, else the token's own claims, else a hash. */
async function identify(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> {
  const meta = { authMethod: tokens.extra?.authMethod, ...(tokens.extra?.provider ? { loginProvider: tokens.extra.provider } : {}) };
  if (tokens.accessToken) {
    try {
      const email = kiroUsageEmail(await fetchUsage(tokens, ctx)) ?? (jwtClaims(tokens.accessToken)?.email as string | undefined);
      if (typeof email === 'string' && email) return { accountId: email, label: email, meta: { ...meta, email } };
    } catch {
      // fall through to the token hash
    }
  }
  const base = defaultIdentity(tokens);
  return { ...base, meta: { ...base.meta, ...meta } };
}

/** The OIDC region of the configured token URL (`oidc.us-east-1.amazonaws.com` → `us-east-1`). */
function regionOf(url: string): string | undefined {
  return /^https:\/\/oidc\.([a-z0-9-]+)\.amazonaws\.com\//.exec(url)?.[1];
}

/**
 * OAuth data of the `kiro` type: AWS SSO-OIDC device login (a client registered per login,
 * Builder ID by default, any Identity Center portal with `start_url`), refresh with that client
 * or, for Kiro's Google/GitHub logins, at the Kiro auth service; import of Kiro's own
 * `~/.aws/sso/cache/kiro-auth-token.json`; a `keys:` entry holds a social refresh token; monthly
 * credit windows from `getUsageLimits`.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/tree/main/internal/auth/kiro (endpoints, scopes and file layout as the public proxies use them)
 */
export const kiroOAuth: OAuthSpec = {
  type: 'kiro',
  displayName: 'Kiro (AWS Builder ID / Kiro login)',
  flows: ['device', 'import'],
  endpoints: {
    // Registered at each login (RegisterClient); set client_id + client_secret to reuse one.
    clientId: '',
    deviceCodeUrl: 'https://oidc.us-east-1.amazonaws.com/device_authorization',
    tokenUrl: 'https://oidc.us-east-1.amazonaws.com/token',
    scopes: KIRO_SCOPES,
    urls: {
      register: 'https://oidc.us-east-1.amazonaws.com/client/register',
      start: BUILDER_ID_START_URL,
      socialRefresh: 'https://prod.us-east-1.auth.desktop.kiro.dev/refreshToken',
      usage: 'https://q.us-east-1.amazonaws.com/getUsageLimits',
    },
  },
  keyIs: 'refresh-token',
  secretExtras: ['clientSecret'],
  async deviceLogin(ctx) {
    const ep = ctx.endpoints;
    const client = ep.clientId && ep.clientSecret ? { clientId: ep.clientId, clientSecret: ep.clientSecret } : await registerKiroClient(ctx, ep.urls.register!, ep.scopes);
    const authorization = await startKiroDeviceAuthorization(ctx, ep.deviceCodeUrl!, client, ep.urls.start!);
    const region = regionOf(ep.tokenUrl);
    const extra = { authMethod: 'idc', ...client, ...(region ? { region } : {}) };
    return { authorization, poll: () => createKiroDeviceToken(ctx, ep.tokenUrl, client, authorization.deviceCode, extra) };
  },
  refresh(tokens, ctx) {
    if (tokens.extra?.authMethod === 'idc') return refreshKiroOidc(ctx, oidcUrlForRegion(ctx.endpoints.tokenUrl, tokens.extra.region), tokens);
    return refreshKiroSocial(ctx, ctx.endpoints.urls.socialRefresh!, tokens);
  },
  identify,
  async usage(tokens, ctx) {
    return mapKiroUsage(await fetchUsage(tokens, ctx));
  },
  importer: { defaultPath: '~/.aws/sso/cache/kiro-auth-token.json', pathEnv: 'SWITCHYARD_OAUTH_KIRO_CREDENTIALS_FILE', parse: parseKiroCredentials },
  riskNotice: "Kiro's free and paid plans are offered for use through the Kiro IDE and CLI under the AWS Customer Agreement and Kiro's terms; using the plan through another tool or sharing it may breach them and get the account suspended. Use at your own risk, for your own use only.",
};
