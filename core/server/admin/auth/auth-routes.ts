import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminDeps } from '../admin-deps.ts';
import { apiError } from '../http/api-error.ts';
import { MIN_PASSWORD, type LoginResult } from './dashboard-auth.ts';
import { cameOverHttps, clearedSessionCookie, originAllowed, readSessionCookie, sessionCookie } from './session-cookie.ts';

type Server = { requestIP(r: Request): { address: string } | null } | null;

const Password = v.pipe(v.string(), v.minLength(MIN_PASSWORD, `The password needs at least ${MIN_PASSWORD} characters.`), v.maxLength(1024));
const SetupBody = v.object({ token: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), password: Password });
const LoginBody = v.object({ password: v.pipe(v.string(), v.maxLength(1024)) });
const PasswordBody = v.object({ current: v.pipe(v.string(), v.maxLength(1024)), password: Password });

const tags = ['admin: auth'];

/**
 * `/api/auth/*`: setup, login, logout, state and password change. Public routes (they are how
 * one gets a session); a present but foreign `Origin` is refused on every POST.
 */
export function authRoutes(deps: AdminDeps) {
  const secure = (request: Request, server: Server) =>
    cameOverHttps(request, deps.trustedProxies.trusts(server?.requestIP(request)?.address));
  const foreign = (request: Request) =>
    originAllowed(request, deps.config().server.cors_origins, false) ? undefined : apiError(403, 'Cross-origin request refused.', 'origin_mismatch');
  const loggedIn = (sessionId: string, request: Request, server: Server) =>
    Response.json({ ok: true }, { headers: { 'set-cookie': sessionCookie(sessionId, secure(request, server)), 'cache-control': 'no-store' } });

  return new Elysia({ name: 'admin-auth' })
    .get('/api/auth/state', async ({ request }) => {
      const session = readSessionCookie(request);
      const viaSession = session !== undefined && deps.auth.validSession(session);
      const viaToken = !viaSession && request.headers.has('authorization') && (await deps.adminCheck(request)) === undefined;
      return {
        needsSetup: deps.auth.needsSetup(),
        loggedIn: viaSession || viaToken,
        via: viaSession ? 'session' : viaToken ? 'token' : null,
        lockedUntil: deps.auth.lockedUntil(),
      };
    }, { detail: { summary: 'Whether setup is needed and whether this request is logged in.', tags } })
    .post('/api/auth/setup', async ({ request, server, body }) => {
      const refused = foreign(request);
      if (refused) return refused;
      const r = await deps.auth.completeSetup(body.token, body.password);
      if (!r.ok) {
        return r.reason === 'setup_done'
          ? apiError(409, 'The dashboard password is already set. Log in, or run `switchyard reset-password`.', 'setup_done')
          : apiError(400, 'This setup link is invalid, already used or expired. Run `switchyard reset-password` for a new one.', 'invalid_token');
      }
      deps.audit.record({ actor: 'setup-link', action: 'auth.setup' });
      return loggedIn(r.sessionId, request, server);
    }, { body: SetupBody, detail: { summary: 'Set the dashboard password with the one-time setup token; logs in.', tags } })
    .post('/api/auth/login', async ({ request, server, body }) => {
      const refused = foreign(request);
      if (refused) return refused;
      const r = await deps.auth.login(body.password, server?.requestIP(request)?.address);
      if (!r.ok) return loginRefused(r, deps.now());
      return loggedIn(r.sessionId, request, server);
    }, { body: LoginBody, detail: { summary: 'Log in to the dashboard (sets the session cookie).', tags } })
    .post('/api/auth/logout', ({ request, server }) => {
      const refused = foreign(request);
      if (refused) return refused;
      const session = readSessionCookie(request);
      if (session) deps.auth.endSession(session);
      return Response.json({ ok: true }, { headers: { 'set-cookie': clearedSessionCookie(secure(request, server)) } });
    }, { detail: { summary: 'Log out (ends the session).', tags } })
    .post('/api/auth/password', async ({ request, server, body }) => {
      const session = readSessionCookie(request);
      if (!session || !deps.auth.validSession(session)) return apiError(401, 'Log in to change the password.', 'unauthenticated');
      if (!originAllowed(request, deps.config().server.cors_origins, true)) return apiError(403, 'Cross-origin request refused.', 'origin_mismatch');
      const r = await deps.auth.changePassword(session, body.current, body.password, server?.requestIP(request)?.address);
      if (!r.ok) return loginRefused(r, deps.now());
      deps.audit.record({ actor: 'dashboard', action: 'auth.password-changed' });
      return { ok: true };
    }, { body: PasswordBody, detail: { summary: 'Change the dashboard password (logs out other sessions).', tags } });
}

function loginRefused(r: Exclude<LoginResult, { ok: true }>, now: number): Response {
  if (r.reason === 'locked') {
    const retryAfterSec = Math.max(1, Math.ceil((r.lockedUntil - now) / 1000));
    const minutes = Math.ceil(retryAfterSec / 60);
    return apiError(429, `Too many failed logins. Login is locked for ${minutes} more minute${minutes === 1 ? '' : 's'} (until ${new Date(r.lockedUntil).toISOString()}).`,
      'login_locked', { retryAfterSec, lockedUntil: r.lockedUntil }, { 'retry-after': String(retryAfterSec) });
  }
  if (r.reason === 'setup_required') return apiError(409, 'No password is set yet: open the setup link printed on the console.', 'setup_required');
  return apiError(401, 'Wrong password.', 'wrong_password');
}
