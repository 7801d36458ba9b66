import { apiError } from '../http/api-error.ts';
import type { DashboardAuth } from './dashboard-auth.ts';
import { isStateChanging, originAllowed, readSessionCookie } from './session-cookie.ts';

/**
 * The `session` part of the admin check: true for a request carrying a live dashboard session,
 * false without one. A state-changing request on a session must also pass the Origin check
 * (CSRF): otherwise it is answered 403, even though the cookie is valid.
 */
export function createSessionCheck(auth: DashboardAuth, allowedOrigins: () => readonly string[]) {
  return async (request: Request): Promise<boolean | Response> => {
    const id = readSessionCookie(request);
    if (!id || !auth.validSession(id)) return false;
    if (isStateChanging(request.method) && !originAllowed(request, allowedOrigins(), true)) {
      return apiError(403, 'Cross-origin request refused: a state-changing request must come from the dashboard (Origin check).', 'origin_mismatch');
    }
    return true;
  };
}
