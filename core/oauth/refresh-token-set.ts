import { refreshWithToken } from './authorization-code-flow.ts';
import { isRevoked } from './oauth-error.ts';
import type { OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';

/** Why a refresh attempt gave no tokens. */
export interface RefreshFailure {
  ok: false;
  error: unknown;
  /** The error's message, for logs and the caller's own error. */
  reason: string;
  /** The server refused the refresh token (`isRevoked`): only a new login helps. */
  revoked: boolean;
}

/** What one refresh attempt gave: new tokens, or why there are none. */
export type RefreshResult = { ok: true; tokens: TokenSet } | RefreshFailure;

/** Whether `tokens` are due for a refresh at `now`: their expiry is known and `skewMs` or less away. */
export function refreshDue(tokens: TokenSet, now: number, skewMs: number): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt - now <= skewMs;
}

/**
 * Whether the access token still works at `now` (one without an expiry does). A refresh that
 * merely failed (network, 5xx) keeps such a token instead of failing.
 */
export function accessTokenValid(tokens: TokenSet, now: number): boolean {
  return tokens.accessToken !== '' && (tokens.expiresAt === undefined || tokens.expiresAt > now);
}

/**
 * Refreshes `tokens` once: the spec's own `refresh` (Copilot's exchange) or else the standard
 * `refresh_token` grant, which keeps the old refresh token when the answer carries none. Runs
 * whenever called: the caller decides whether a refresh is due (`refreshDue`).
 *
 * Errors: never rejects. A failure comes back as `ok: false`, marked `revoked` when the server
 * refused the refresh token; whether a still-valid token is kept (`accessTokenValid`) and what
 * is thrown is the caller's policy.
 */
export async function refreshTokenSet(spec: OAuthSpec, ctx: OAuthSpecContext, tokens: TokenSet): Promise<RefreshResult> {
  try {
    return { ok: true, tokens: spec.refresh ? await spec.refresh(tokens, ctx) : await refreshWithToken(ctx, spec, tokens) };
  } catch (error) {
    return { ok: false, error, reason: error instanceof Error ? error.message : String(error), revoked: isRevoked(error) };
  }
}
