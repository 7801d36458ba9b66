import { expect, test } from 'bun:test';
import { OAuthError } from './oauth-error.ts';
import type { OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { accessTokenValid, refreshDue, refreshTokenSet } from './refresh-token-set.ts';

const spec = (refresh: OAuthSpec['refresh']): OAuthSpec =>
  ({ type: 't', displayName: 't', flows: [], endpoints: { clientId: 'c', tokenUrl: 'x', scopes: [], urls: {} }, refresh });
const ctx = {} as OAuthSpecContext;

test('a refresh is due once the expiry is skew or less away, never without an expiry', () => {
  const t = (expiresAt?: number): TokenSet => ({ accessToken: 'a', ...(expiresAt === undefined ? {} : { expiresAt }) });
  expect([refreshDue(t(1_000), 0, 999), refreshDue(t(1_000), 0, 1_000), refreshDue(t(1_000), 2_000, 0), refreshDue(t(), 0, 1e12)])
    .toEqual([false, true, true, false]);
});

test('an access token is valid until its expiry; an empty one never is', () => {
  expect([accessTokenValid({ accessToken: 'a', expiresAt: 10 }, 9), accessTokenValid({ accessToken: 'a', expiresAt: 10 }, 10)]).toEqual([true, false]);
  expect([accessTokenValid({ accessToken: 'a' }, 1e12), accessTokenValid({ accessToken: '', refreshToken: 'r', expiresAt: 0 }, -1)]).toEqual([true, false]);
});

test('the spec refresh answers tokens; its failure comes back sorted, refused or not', async () => {
  const old: TokenSet = { accessToken: 'old', refreshToken: 'r', expiresAt: 0 };
  expect(await refreshTokenSet(spec(async (t) => ({ accessToken: 'new', refreshToken: t.refreshToken! })), ctx, old))
    .toEqual({ ok: true, tokens: { accessToken: 'new', refreshToken: 'r' } });
  const refused = new OAuthError('invalid_grant', 'invalid_grant: revoked', 400);
  expect(await refreshTokenSet(spec(() => Promise.reject(refused)), ctx, old))
    .toEqual({ ok: false, error: refused, reason: 'invalid_grant: revoked', revoked: true });
  const down = new OAuthError('server_error', 'server_error (HTTP 503)', 503);
  expect(await refreshTokenSet(spec(() => Promise.reject(down)), ctx, old))
    .toEqual({ ok: false, error: down, reason: 'server_error (HTTP 503)', revoked: false });
  expect(await refreshTokenSet(spec(() => Promise.reject('offline')), ctx, old))
    .toEqual({ ok: false, error: 'offline', reason: 'offline', revoked: false });
});

test('without a spec refresh the refresh_token grant runs: no refresh token is a refused refresh', async () => {
  const r = await refreshTokenSet(spec(undefined), ctx, { accessToken: 'old', expiresAt: 0 });
  expect(r.ok === false && [r.revoked, r.reason, r.error instanceof OAuthError && r.error.code]).toEqual([true, 'invalid_grant: the account has no refresh token', 'invalid_grant']);
});
