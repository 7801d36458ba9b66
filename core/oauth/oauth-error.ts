/**
 * An error answered by an OAuth server (RFC 6749 §5.2, RFC 8628 §3.5): `code` is the `error`
 * field (`invalid_grant`, `authorization_pending`, `slow_down`, `expired_token`,
 * `access_denied`…). The message carries `error_description` at most, redacted by the caller's
 * logger; never a token or the raw response body.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status of the answer (0 when none arrived). */
    readonly status = 0,
    /** A new polling interval in seconds, when a `slow_down` answer named one. */
    readonly intervalSec?: number,
  ) {
    super(message);
  }
}

/** Codes that say the grant is dead: RFC 6749's, and those OpenAI and others use for a dead refresh token. */
const REVOKED: ReadonlySet<string> = new Set([
  'invalid_grant', 'unauthorized_client', 'invalid_client', 'access_denied', 'revoked',
  'refresh_token_expired', 'refresh_token_reused', 'refresh_token_invalidated', 'token_expired',
]);

/**
 * True when the grant itself is dead (revoked or expired refresh token): the user must log in
 * again. A 401 from a token endpoint says so too, whatever its code (as the Codex CLI reads it).
 */
export function isRevoked(e: unknown): boolean {
  return e instanceof OAuthError && (REVOKED.has(e.code) || e.status === 401);
}
