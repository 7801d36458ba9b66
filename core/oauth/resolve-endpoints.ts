import type { ProviderRuntime } from '../plugin/types.ts';
import type { OAuthEndpoints, OAuthSpec } from './oauth-types.ts';

type Env = Record<string, string | undefined>;

const FIELDS = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  authorizeUrl: 'authorize_url',
  tokenUrl: 'token_url',
  deviceCodeUrl: 'device_code_url',
  redirectUri: 'redirect_uri',
} as const;

/** `claude-code` → `SWITCHYARD_OAUTH_CLAUDE_CODE_`. */
export function envPrefix(type: string): string {
  return `SWITCHYARD_OAUTH_${type.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

/**
 * A spec's endpoints with overrides applied, strongest first: the provider's YAML entry
 * (`oauth: { client_id, client_secret, authorize_url, token_url, device_code_url, redirect_uri,
 * scopes, <name>_url }`; `redirect_uri: gateway` means the gateway's own callback), then
 * `SWITCHYARD_OAUTH_<TYPE>_<FIELD>` variables (`…_CLIENT_ID`, `…_SCOPES` space-separated,
 * `…_USAGE_URL`), then the plugin's defaults. Remote installs use
 * this to bring their own OAuth client; tests point every URL at a local mock.
 */
export function resolveEndpoints(spec: OAuthSpec, provider: Pick<ProviderRuntime, 'options'>, env: Env): OAuthEndpoints {
  const own = isRecord(provider.options.oauth) ? provider.options.oauth : {};
  const prefix = envPrefix(spec.type);
  const pick = (snake: string): string | undefined => {
    const c = own[snake];
    if (typeof c === 'string' && c !== '') return c;
    const e = env[prefix + snake.toUpperCase()];
    return e !== undefined && e !== '' ? e : undefined;
  };
  const out: OAuthEndpoints = { ...spec.endpoints, scopes: [...spec.endpoints.scopes], urls: { ...spec.endpoints.urls } };
  for (const [field, snake] of Object.entries(FIELDS) as Array<[keyof typeof FIELDS, string]>) {
    const v = pick(snake);
    if (v !== undefined) out[field] = v;
  }
  // `redirect_uri: gateway`: the client is registered with this gateway's own callback.
  if (out.redirectUri === 'gateway') delete out.redirectUri;
  const scopes = Array.isArray(own.scopes) ? own.scopes.filter((s): s is string => typeof s === 'string')
    : typeof own.scopes === 'string' ? own.scopes.split(/\s+/) : env[`${prefix}SCOPES`]?.split(/\s+/);
  if (scopes && scopes.length > 0) out.scopes = scopes.filter(Boolean);
  for (const name of Object.keys(out.urls)) {
    const v = pick(`${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_url`);
    if (v !== undefined) out.urls[name] = v;
  }
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
