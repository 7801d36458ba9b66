import { hostname, release } from 'node:os';
import { defaultIdentity } from '../../../core/oauth/default-identity.ts';
import { jwtClaims } from '../../../core/oauth/jwt-claims.ts';
import type { AccountIdentity, OAuthSpec, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { mapKimiUsage } from './map-kimi-usage.ts';

/**
 * Kimi Code CLI's public OAuth client (device flow, no secret).
 *
 * @see https://github.com/MoonshotAI/kimi-cli/blob/main/src/kimi_cli/auth/oauth.py
 */
export const KIMI_CLIENT_ID = '17e5f671-d194-4dfb-9706-5516cb48c098';
/** The Kimi CLI version the requests present (the service is known to check the `KimiCLI/` user agent; the version is not confirmed). */
export const KIMI_CLI_VERSION = '1.0.0';

/**
 * The device headers Kimi CLI sends with every OAuth and API call. `deviceId` should be stable
 * per install (the plugin derives it from the data directory), so Kimi sees one device.
 */
export function kimiDeviceHeaders(deviceId: string): Record<string, string> {
  return {
    'user-agent': `KimiCLI/${KIMI_CLI_VERSION}`,
    'x-msh-platform': 'kimi_cli',
    'x-msh-version': KIMI_CLI_VERSION,
    'x-msh-device-name': hostname() || 'switchyard',
    'x-msh-device-model': `${process.platform} ${release()} ${process.arch}`,
    'x-msh-device-id': deviceId,
  };
}

/** The account: an e-mail or user id in the access token's claims (it is a JWT), else a hash. */
function identify(tokens: TokenSet): AccountIdentity {
  const c = jwtClaims(tokens.accessToken);
  const email = typeof c?.email === 'string' ? c.email : undefined;
  if (email) return { accountId: email, label: email, meta: { email } };
  const id = typeof c?.user_id === 'string' ? c.user_id : typeof c?.sub === 'string' ? c.sub : undefined;
  return id ? { accountId: id } : defaultIdentity(tokens);
}

/** `~/.kimi/credentials/kimi-code.json`: `{ access_token, refresh_token, expires_at (epoch s), scope, token_type }`. */
function parseCreds(json: unknown): { tokens: TokenSet } {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o.access_token !== 'string' || !o.access_token) throw new Error('no access_token in the file');
  const exp = typeof o.expires_at === 'number' && o.expires_at > 0 ? Math.round(o.expires_at < 1e12 ? o.expires_at * 1000 : o.expires_at) : undefined;
  return {
    tokens: {
      accessToken: o.access_token,
      ...(typeof o.refresh_token === 'string' && o.refresh_token ? { refreshToken: o.refresh_token } : {}),
      ...(exp ? { expiresAt: exp } : {}),
      ...(typeof o.scope === 'string' && o.scope ? { scope: o.scope } : {}),
    },
  };
}

/**
 * OAuth data of the `kimi-coding` type: Kimi Code's RFC 8628 device login at auth.kimi.com
 * (pending answers may come with HTTP 200, which the core reads), refresh with the same client,
 * the device headers on every call, and Kimi CLI's `~/.kimi/credentials/kimi-code.json` (Kimi
 * CLI prefers the system keyring; the file exists when the keyring is unavailable). Access
 * tokens live minutes, so they are refreshed often. Quota windows (weekly, 5 h) come from the
 * coding API's `/usages`.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/kimi/kimi.go
 */
export function createKimiCodingOAuth(deviceId: string): OAuthSpec {
  return {
    type: 'kimi-coding',
    displayName: 'Kimi Code (kimi.com login)',
    flows: ['device', 'import'],
    endpoints: {
      clientId: KIMI_CLIENT_ID,
      deviceCodeUrl: 'https://auth.kimi.com/api/oauth/device_authorization',
      tokenUrl: 'https://auth.kimi.com/api/oauth/token',
      scopes: [],
      urls: { usage: 'https://api.kimi.com/coding/v1/usages' },
    },
    tokenRequest: 'form',
    requestHeaders: kimiDeviceHeaders(deviceId),
    identify,
    async usage(tokens, ctx) {
      const res = await ctx.fetch(ctx.endpoints.urls.usage!, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`usage endpoint answered ${res.status}`);
      }
      return mapKimiUsage(await res.json());
    },
    importer: { defaultPath: '~/.kimi/credentials/kimi-code.json', pathEnv: 'SWITCHYARD_OAUTH_KIMI_CODING_CREDENTIALS_FILE', parse: parseCreds },
    riskNotice: "Kimi Code memberships are offered for use through Kimi CLI and the coding agents Moonshot lists; using the plan through another tool or sharing it may breach kimi.com's terms. Use at your own risk, for your own use only.",
  };
}
