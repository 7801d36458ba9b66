import type { OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { OAuthError } from './oauth-error.ts';

/** The standard token response (RFC 6749 §5.1), loosely typed as servers send it. */
interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  id_token?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
  interval?: unknown;
}

/**
 * POSTs to an OAuth token endpoint (form-encoded or JSON) and returns the token set.
 *
 * Errors: `OAuthError` with the server's `error` code (also for an `error` inside a 200, as
 * GitHub answers), `server_error` for a 5xx or an unreadable body, `network_error` when no
 * answer arrived. The refresh token is kept when the answer has none (no rotation); the
 * `keep` fields of the answer (non-secret strings such as Qwen's `resource_url`) go to `extra`.
 * `headers` are added to the request (HTTP Basic client credentials).
 *
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5
 */
export async function postTokenRequest(
  ctx: Pick<OAuthSpecContext, 'fetch' | 'now'>, url: string, params: Record<string, string>, format: 'form' | 'json' = 'form',
  previous?: TokenSet, keep: readonly string[] = [], headers: Record<string, string> = {},
): Promise<TokenSet> {
  const body = format === 'json' ? JSON.stringify(params) : new URLSearchParams(params).toString();
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: 'POST',
      headers: { 'content-type': format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body,
    });
  } catch (e) {
    throw new OAuthError('network_error', `the token endpoint could not be reached (${e instanceof Error ? e.message : 'error'})`);
  }
  const json = await readJson(res);
  if (!res.ok || json.error !== undefined) throw errorOf(json, res.status);
  const tokens = toTokenSet(json, ctx.now(), previous);
  const kept = Object.fromEntries(keep.filter((k) => typeof json[k] === 'string' && json[k] !== '').map((k) => [k, json[k] as string]));
  return Object.keys(kept).length > 0 ? { ...tokens, extra: { ...tokens.extra, ...kept } } : tokens;
}

/** The JSON body of an OAuth answer; `{}` when it is not JSON (the status then decides). */
export async function readJson(res: Response): Promise<TokenResponse & Record<string, unknown>> {
  const text = await res.text().catch(() => '');
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as TokenResponse & Record<string, unknown>) : {};
  } catch {
    // GitHub answers form-encoded unless asked for JSON; accept both.
    if (text.includes('=') && !text.trimStart().startsWith('<')) return Object.fromEntries(new URLSearchParams(text)) as TokenResponse & Record<string, unknown>;
    return {};
  }
}

/**
 * The OAuthError an error answer stands for: RFC 6749's `error` string, or an error object's
 * `code`, then its `type` (OpenAI answers a dead refresh token with
 * `{"error":{"code":"refresh_token_reused","type":"invalid_request_error",…}}`).
 */
export function errorOf(json: TokenResponse, status: number): OAuthError {
  const obj = typeof json.error === 'object' && json.error !== null ? (json.error as { code?: unknown; type?: unknown; message?: unknown }) : undefined;
  const code = typeof json.error === 'string' ? json.error
    : typeof obj?.code === 'string' && obj.code ? obj.code
      : typeof obj?.type === 'string' ? obj.type
        : status >= 500 || status === 0 ? 'server_error' : status === 401 ? 'invalid_client' : 'invalid_request';
  const described = typeof json.error_description === 'string' ? json.error_description : typeof obj?.message === 'string' ? obj.message : '';
  const desc = described.slice(0, 200);
  const interval = typeof json.interval === 'number' ? json.interval : undefined;
  return new OAuthError(code, desc ? `${code}: ${desc}` : `${code} (HTTP ${status})`, status, interval);
}

function toTokenSet(json: TokenResponse, now: number, previous?: TokenSet): TokenSet {
  if (typeof json.access_token !== 'string' || !json.access_token) {
    throw new OAuthError('server_error', 'the token endpoint answered without an access_token');
  }
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in);
  const refresh = typeof json.refresh_token === 'string' && json.refresh_token ? json.refresh_token : previous?.refreshToken;
  const idToken = typeof json.id_token === 'string' ? json.id_token : previous?.idToken;
  return {
    accessToken: json.access_token,
    ...(refresh ? { refreshToken: refresh } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: now + expiresIn * 1000 } : {}),
    ...(idToken ? { idToken } : {}),
    ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
    ...(previous?.extra ? { extra: previous.extra } : {}),
  };
}
