import { OAuthError } from './oauth-error.ts';
import type { OAuthEndpoints, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { errorOf, postTokenRequest, readJson } from './token-endpoint.ts';

/** The grant type of RFC 8628 token polls. */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Seconds added to the polling interval for each `slow_down` (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP_SEC = 5;

/** A pending device authorization: show `userCode` and `verificationUri` to the user. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Epoch ms after which the device code is dead. */
  expiresAt: number;
  intervalSec: number;
}

type Ctx = Pick<OAuthSpecContext, 'fetch' | 'now'>;

/**
 * Asks for a device code (RFC 8628 §3.1). `extra` adds parameters (a PKCE challenge for Qwen).
 *
 * Errors: OAuthError with the server's code, or `server_error` for an answer without codes.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc8628#section-3.1
 */
export async function requestDeviceCode(ctx: Ctx, ep: OAuthEndpoints, extra: Record<string, string> = {}): Promise<DeviceAuthorization> {
  if (!ep.deviceCodeUrl) throw new OAuthError('unsupported', 'this provider has no device code endpoint');
  const params = new URLSearchParams({ client_id: ep.clientId, ...(ep.scopes.length ? { scope: ep.scopes.join(' ') } : {}), ...extra });
  const res = await ctx.fetch(ep.deviceCodeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: params.toString(),
  });
  const json = await readJson(res);
  if (!res.ok || json.error !== undefined) throw errorOf(json, res.status);
  const deviceCode = str(json.device_code);
  const userCode = str(json.user_code);
  const verificationUri = str(json.verification_uri) ?? str(json.verification_url);
  if (!deviceCode || !userCode || !verificationUri) throw new OAuthError('server_error', 'the device code answer is incomplete');
  const expiresIn = num(json.expires_in) ?? 900;
  return {
    deviceCode, userCode, verificationUri,
    ...(str(json.verification_uri_complete) ? { verificationUriComplete: str(json.verification_uri_complete)! } : {}),
    expiresAt: ctx.now() + expiresIn * 1000,
    intervalSec: Math.max(1, num(json.interval) ?? 5),
  };
}

export interface PollOptions {
  format?: 'form' | 'json';
  /** Extra poll parameters (a PKCE verifier for Qwen). */
  extra?: Record<string, string>;
  /** Token-answer fields kept in `extra` (see `postTokenRequest`). */
  keep?: readonly string[];
  /** Waits `ms` (tests pass a fake); rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Called when the interval changes (slow_down), for status displays and tests. */
  onInterval?: (sec: number) => void;
}

/**
 * Polls the token endpoint until the user approved (RFC 8628 §3.4–3.5): waits `interval`
 * between polls; `authorization_pending` polls again; `slow_down` adds 5 s (or takes the
 * server's larger interval); a network or 5xx failure polls again at the same pace.
 *
 * Errors: OAuthError `expired_token` (the code died, also when the deadline passed locally),
 * `access_denied` (the user refused), any other OAuth error code as answered; an AbortError
 * when `signal` aborts.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc8628#section-3.4
 */
export function pollDeviceToken(ctx: Ctx, ep: OAuthEndpoints, auth: DeviceAuthorization, o: PollOptions = {}): Promise<TokenSet> {
  const params: Record<string, string> = {
    grant_type: DEVICE_GRANT, device_code: auth.deviceCode, client_id: ep.clientId,
    ...(ep.clientSecret ? { client_secret: ep.clientSecret } : {}), ...o.extra,
  };
  return pollUntilApproved(ctx, auth, () => postTokenRequest(ctx, ep.tokenUrl, params, o.format ?? 'form', undefined, o.keep), o);
}

/**
 * The polling rules of RFC 8628 around any single token request (`tryOnce`), for device flows
 * whose wire format is not the RFC's (AWS SSO-OIDC's JSON `CreateToken`). `tryOnce` resolves
 * with the tokens or throws OAuthError; the codes are treated as in `pollDeviceToken`.
 *
 * Errors: as `pollDeviceToken`.
 */
export async function pollUntilApproved(
  ctx: Pick<Ctx, 'now'>, auth: DeviceAuthorization, tryOnce: () => Promise<TokenSet>, o: Pick<PollOptions, 'sleep' | 'signal' | 'onInterval'> = {},
): Promise<TokenSet> {
  const sleep = o.sleep ?? defaultSleep;
  let interval = auth.intervalSec;
  for (;;) {
    await sleep(interval * 1000, o.signal);
    if (ctx.now() >= auth.expiresAt) throw new OAuthError('expired_token', 'expired_token: the device code expired before it was approved');
    try {
      return await tryOnce();
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      if (e.code === 'authorization_pending' || e.code === 'network_error' || e.code === 'server_error') continue;
      if (e.code === 'slow_down') {
        interval = Math.max(interval + SLOW_DOWN_STEP_SEC, e.intervalSec ?? 0);
        o.onInterval?.(interval);
        continue;
      }
      throw e;
    }
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
