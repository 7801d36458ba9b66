/** Name of the dashboard session cookie. */
export const SESSION_COOKIE = 'sy_session';

/** How long a session lives (absolute, from login). */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** The session id from the request's cookies, or undefined. */
export function readSessionCookie(request: Request): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * `Set-Cookie` for a new session: HttpOnly (no script access), SameSite=Strict (never sent on
 * cross-site requests), Path=/, and Secure when the dashboard was reached over HTTPS.
 */
export function sessionCookie(id: string, secure: boolean, maxAgeMs = SESSION_TTL_MS): string {
  const attrs = [`${SESSION_COOKIE}=${id}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', secure, 0);
}

/**
 * True when the client reached us over HTTPS: the URL scheme, or `X-Forwarded-Proto: https`
 * set by a trusted proxy (only the proxy's own value, the first in the list, counts).
 */
export function cameOverHttps(request: Request, peerTrusted: boolean): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  if (!peerTrusted) return false;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True for methods that change state (the ones the CSRF rule covers). */
export function isStateChanging(method: string): boolean {
  return UNSAFE.has(method.toUpperCase());
}

/**
 * CSRF check for cookie-authenticated requests: the `Origin` (else `Referer`) must name this
 * host, or an origin the operator allowed in `server.cors_origins`. A request with neither
 * header fails when `required`; without `required` (login, setup) only a wrong one fails.
 */
export function originAllowed(request: Request, allowedOrigins: readonly string[], required: boolean): boolean {
  const origin = request.headers.get('origin') ?? refererOrigin(request.headers.get('referer'));
  if (origin === undefined) return !required;
  if (origin === 'null') return false;
  if (allowedOrigins.includes(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const expected = request.headers.get('host') ?? new URL(request.url).host;
  return host.toLowerCase() === expected.toLowerCase();
}

function refererOrigin(referer: string | null): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
