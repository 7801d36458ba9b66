import type { OAuthSpec, TokenSet } from '../../../core/oauth/oauth-types.ts';

/** Qwen Code's public OAuth client (device flow with PKCE). */
export const QWEN_CLIENT_ID = 'f0304373b74a44d2b584a3fb70ca9e56';

/** `~/.qwen/oauth_creds.json`: `{ access_token, refresh_token, token_type, resource_url, expiry_date (ms) }`. */
function parseCreds(json: unknown): { tokens: TokenSet } {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o.access_token !== 'string') throw new Error('no access_token in the file');
  return {
    tokens: {
      accessToken: o.access_token,
      ...(typeof o.refresh_token === 'string' ? { refreshToken: o.refresh_token } : {}),
      ...(typeof o.expiry_date === 'number' ? { expiresAt: o.expiry_date } : {}),
      ...(typeof o.resource_url === 'string' ? { extra: { resource_url: o.resource_url } } : {}),
    },
  };
}

/**
 * OAuth data of the `qwen-code` type: qwen.ai's device flow with a PKCE pair (the user approves
 * a code at chat.qwen.ai), refresh, and Qwen Code's credentials file. Token answers name the
 * API host to use (`resource_url`), kept beside the tokens.
 *
 * @see https://github.com/QwenLM/qwen-code/blob/main/packages/core/src/qwen/qwenOAuth2.ts
 */
export const qwenCodeOAuth: OAuthSpec = {
  type: 'qwen-code',
  displayName: 'Qwen Code (qwen.ai login)',
  flows: ['device', 'import'],
  endpoints: {
    clientId: QWEN_CLIENT_ID,
    deviceCodeUrl: 'https://chat.qwen.ai/api/v1/oauth2/device/code',
    tokenUrl: 'https://chat.qwen.ai/api/v1/oauth2/token',
    scopes: ['openid', 'profile', 'email', 'model.completion'],
    urls: {},
  },
  tokenRequest: 'form',
  devicePkce: true,
  tokenExtras: ['resource_url'],
  importer: { defaultPath: '~/.qwen/oauth_creds.json', pathEnv: 'SWITCHYARD_OAUTH_QWEN_CODE_CREDENTIALS_FILE', parse: parseCreds },
  riskNotice: "Qwen's free OAuth tier is offered for use through Qwen Code (daily and per-minute request limits); using it through another tool or sharing it may breach qwen.ai's terms. Use at your own risk, for your own use only.",
};
