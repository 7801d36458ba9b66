import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Answers why an admin request is refused, or `undefined` when it is allowed. */
export type AdminCheck = (request: Request) => Promise<Response | undefined>;

/**
 * The admin token: `SWITCHYARD_ADMIN_TOKEN` from the environment, else a random token kept in
 * `<data-dir>/admin-token` (mode 0600, created on first start). Never a default value.
 */
export function loadAdminToken(dataDir: string, env: Record<string, string | undefined>): string {
  const fromEnv = env.SWITCHYARD_ADMIN_TOKEN;
  if (fromEnv && fromEnv.length >= 16) return fromEnv;
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const t = readFileSync(file, 'utf8').trim();
    if (t.length >= 16) return t;
  }
  const token = `sya-${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * Guards `/api/*` admin routes: the admin token as a Bearer token (or a dashboard session, when
 * `session` accepts the request). A client key gets 403; anything else 401. `session` may answer
 * a Response instead of a boolean to refuse a request that has a session (the CSRF Origin check).
 */
export function createAdminCheck(
  token: string,
  isClientKey: (secret: string) => boolean,
  session?: (request: Request) => Promise<boolean | Response>,
): AdminCheck {
  const expected = Buffer.from(token);
  return async (request) => {
    const auth = request.headers.get('authorization');
    const given = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (given) {
      const b = Buffer.from(given);
      if (b.length === expected.length && crypto.timingSafeEqual(b, expected)) return undefined;
      if (isClientKey(given)) return deny(403, 'Client API keys cannot use the admin API.');
    }
    const viaSession = session ? await session(request) : false;
    if (viaSession instanceof Response) return viaSession;
    if (viaSession) return undefined;
    return deny(401, 'Admin authentication required (admin token or dashboard session).');
  };
}

function deny(status: number, message: string): Response {
  const code = status === 403 ? 'client_key' : 'unauthenticated';
  return Response.json({ error: { message, type: status === 403 ? 'permission_error' : 'authentication_error', param: null, code } }, { status });
}
