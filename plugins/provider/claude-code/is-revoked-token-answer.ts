import { readErrorBody } from '../../../core/util/upstream-error-body.ts';

/**
 * Whether an Anthropic answer says the OAuth access token itself is dead although its status is
 * not 401: a 403 `permission_error` "OAuth token has been revoked. Please obtain a new token." It
 * comes when the grant was refreshed elsewhere (the official CLI sharing an imported login) or
 * revoked by the user, so the gateway treats it as a 401: refresh once, then retry or mark the
 * account for re-auth. Other 403s (no access to a model, a disabled organization) are left to
 * the error mapping. Reads a clone of the answer.
 */
export async function isRevokedTokenAnswer(res: Response): Promise<boolean> {
  if (res.status !== 403) return false;
  return /oauth token has been revoked/i.test(await readErrorBody(res.clone(), 4096));
}
