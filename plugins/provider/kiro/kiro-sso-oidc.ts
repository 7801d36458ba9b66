import { DEVICE_GRANT, type DeviceAuthorization } from '../../../core/oauth/device-code-flow.ts';
import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { OAuthSpecContext, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { errorOf, readJson } from '../../../core/oauth/token-endpoint.ts';

/**
 * AWS SSO-OIDC as Kiro uses it for AWS Builder ID and IAM Identity Center logins: register a
 * public client, start a device authorization for the start URL, poll `CreateToken`, and
 * refresh with the registered client. Every call is camelCase JSON; errors are
 * `{error, error_description}` with HTTP 400 (`authorization_pending`, `slow_down`,
 * `invalid_grant`…), which is what the core's OAuthError codes expect. Social (Google / GitHub)
 * Kiro logins refresh at the Kiro auth service instead.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_RegisterClient.html
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_StartDeviceAuthorization.html
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/kiro/sso_oidc.go (client name, scopes, grant types)
 */

type Ctx = Pick<OAuthSpecContext, 'fetch' | 'now'>;
/** The name the Kiro IDE registers its OIDC client under. */
export const KIRO_CLIENT_NAME = 'Kiro IDE';
export const KIRO_GRANT_TYPES = [DEVICE_GRANT, 'refresh_token'];

async function postJson(ctx: Ctx, url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    throw new OAuthError('network_error', `the AWS SSO-OIDC endpoint could not be reached (${e instanceof Error ? e.message : 'error'})`);
  }
  const json = await readJson(res);
  if (!res.ok || json.error !== undefined) throw errorOf(json, res.status);
  return json;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `{accessToken, refreshToken, expiresIn}` (camelCase, as AWS and the Kiro auth service answer) → a token set. */
export function kiroTokenSet(json: Record<string, unknown>, now: number, extra: Record<string, string>, previous?: TokenSet): TokenSet {
  const accessToken = str(json.accessToken);
  if (!accessToken) throw new OAuthError('server_error', 'the token answer has no accessToken');
  const refreshToken = str(json.refreshToken) ?? previous?.refreshToken;
  const expiresIn = num(json.expiresIn);
  const profileArn = str(json.profileArn);
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(expiresIn ? { expiresAt: now + expiresIn * 1000 } : {}),
    extra: { ...previous?.extra, ...extra, ...(profileArn ? { profileArn } : {}) },
  };
}

/** A registered OIDC client (valid for months; kept with the tokens for refreshes). */
export interface KiroClient { clientId: string; clientSecret: string }

/** `POST /client/register`. Errors: OAuthError as answered. */
export async function registerKiroClient(ctx: Ctx, url: string, scopes: string[]): Promise<KiroClient> {
  const json = await postJson(ctx, url, { clientName: KIRO_CLIENT_NAME, clientType: 'public', scopes, grantTypes: KIRO_GRANT_TYPES });
  const clientId = str(json.clientId);
  const clientSecret = str(json.clientSecret);
  if (!clientId || !clientSecret) throw new OAuthError('server_error', 'the client registration answer is incomplete');
  return { clientId, clientSecret };
}

/** `POST /device_authorization` for `startUrl`. Errors: OAuthError as answered. */
export async function startKiroDeviceAuthorization(ctx: Ctx, url: string, client: KiroClient, startUrl: string): Promise<DeviceAuthorization> {
  const json = await postJson(ctx, url, { ...client, startUrl });
  const deviceCode = str(json.deviceCode);
  const userCode = str(json.userCode);
  const verificationUri = str(json.verificationUri);
  if (!deviceCode || !userCode || !verificationUri) throw new OAuthError('server_error', 'the device authorization answer is incomplete');
  const complete = str(json.verificationUriComplete);
  return {
    deviceCode, userCode, verificationUri, ...(complete ? { verificationUriComplete: complete } : {}),
    expiresAt: ctx.now() + (num(json.expiresIn) ?? 600) * 1000, intervalSec: Math.max(1, num(json.interval) ?? 5),
  };
}

/** One `CreateToken` poll with the device code. Errors: OAuthError (`authorization_pending`, `slow_down`…). */
export async function createKiroDeviceToken(ctx: Ctx, url: string, client: KiroClient, deviceCode: string, extra: Record<string, string>): Promise<TokenSet> {
  const json = await postJson(ctx, url, { ...client, grantType: DEVICE_GRANT, deviceCode });
  return kiroTokenSet(json, ctx.now(), extra);
}

/** `CreateToken` with the refresh token and the client it was issued to. Errors: OAuthError `invalid_grant` when revoked. */
export async function refreshKiroOidc(ctx: Ctx, url: string, tokens: TokenSet): Promise<TokenSet> {
  const clientId = tokens.extra?.clientId;
  const clientSecret = tokens.extra?.clientSecret;
  if (!tokens.refreshToken || !clientId || !clientSecret) throw new OAuthError('invalid_grant', 'invalid_grant: the account has no refresh token or client registration');
  const json = await postJson(ctx, url, { clientId, clientSecret, grantType: 'refresh_token', refreshToken: tokens.refreshToken });
  return kiroTokenSet(json, ctx.now(), {}, tokens);
}

/**
 * The refresh of a Kiro social login (Google / GitHub) at the Kiro auth service:
 * `POST {refreshToken}` → `{accessToken, refreshToken, profileArn, expiresIn}`.
 * Errors: OAuthError `invalid_grant` for a 400/401/403 (the grant is dead), `server_error` otherwise.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/kiro/constants.go (KiroAuthService)
 */
export async function refreshKiroSocial(ctx: Ctx, url: string, tokens: TokenSet): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new OAuthError('invalid_grant', 'invalid_grant: the account has no refresh token');
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
  } catch (e) {
    throw new OAuthError('network_error', `the Kiro auth service could not be reached (${e instanceof Error ? e.message : 'error'})`);
  }
  const json = await readJson(res);
  if (res.status === 400 || res.status === 401 || res.status === 403) throw new OAuthError('invalid_grant', `invalid_grant: the Kiro auth service refused the refresh token (HTTP ${res.status})`, res.status);
  if (!res.ok) throw new OAuthError('server_error', `the Kiro auth service answered HTTP ${res.status}`, res.status);
  return kiroTokenSet(json, ctx.now(), { authMethod: 'social' }, tokens);
}

/**
 * The SSO-OIDC URL of an account's own region (Identity Center logins live in the region of
 * their directory). Only an `oidc.<region>.amazonaws.com` URL is rewritten, and only to a
 * well-formed region name, so stored data never sends a token to another kind of host.
 */
export function oidcUrlForRegion(configured: string, region: string | undefined): string {
  if (!region || !/^[a-z]{2}(?:-gov)?-[a-z]+-\d$/.test(region)) return configured;
  const u = URL.parse(configured);
  if (!u || u.protocol !== 'https:' || !/^oidc\.[a-z0-9-]+\.amazonaws\.com$/.test(u.hostname)) return configured;
  u.hostname = `oidc.${region}.amazonaws.com`;
  return u.toString();
}
