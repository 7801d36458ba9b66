import { describe, expect, test } from 'bun:test';
import { keyRingOf } from '../crypto/secret-keys.ts';
import { createAccountsRepo } from '../db/accounts-repo.ts';
import { openMemoryDatabase } from '../db/open-database.ts';
import { isGatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../log/logger.ts';
import { OAuthError } from './oauth-error.ts';
import type { OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { TokenKeeper } from './token-keeper.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function setup(refresh: OAuthSpec['refresh'], o: { keyIs?: OAuthSpec['keyIs']; staticSecret?: string; expiredRefreshWaitMs?: number } = {}) {
  let staticSecret = o.staticSecret;
  let now = 1_000_000;
  const repo = createAccountsRepo(openMemoryDatabase(), keyRingOf('k'));
  const spec: OAuthSpec = { type: 't', displayName: 't', flows: [], endpoints: { clientId: 'c', tokenUrl: 'x', scopes: [], urls: {} }, refresh, keyIs: o.keyIs };
  const secrets: string[] = [];
  const states: string[] = [];
  const keeper = new TokenKeeper({
    repo, now: () => now, log: quiet,
    stateOf: (p, a) => repo.get(p, a)?.state,
    specOf: () => ({ spec, ctx: {} as OAuthSpecContext }),
    staticSecret: () => staticSecret,
    registerSecret: (v) => secrets.push(v),
    onStateChanged: (_p, a, s) => states.push(`${a}:${s}`),
    onRefreshed: () => {},
    ...(o.expiredRefreshWaitMs === undefined ? {} : { expiredRefreshWaitMs: o.expiredRefreshWaitMs }),
  });
  const store = (t: TokenSet) => repo.save({ provider: 'p', accountId: 'a', secret: JSON.stringify(t) });
  return {
    keeper, repo, secrets, states, store, advance: (ms: number) => void (now += ms), now: () => now,
    setStatic: (v: string) => void (staticSecret = v),
  };
}

describe('TokenKeeper', () => {
  test('a fresh token is served from the store (and registered for redaction) without refresh', async () => {
    let calls = 0;
    const s = setup(async () => {
      calls++;
      return { accessToken: 'new-token-123' };
    });
    s.store({ accessToken: 'stored-token-1', refreshToken: 'refresh-token-1', expiresAt: s.now() + 3600_000 });
    expect((await s.keeper.grant('p', 'a')).token).toBe('stored-token-1');
    expect(calls).toBe(0);
    expect(s.secrets).toEqual(['stored-token-1', 'refresh-token-1']);
  });

  test('a failed (not revoked) refresh keeps a still-valid token, then backs off instead of hammering', async () => {
    let calls = 0;
    const s = setup(async () => {
      calls++;
      throw new OAuthError('server_error', 'server_error (HTTP 503)', 503);
    });
    s.store({ accessToken: 'old-token-12', refreshToken: 'refresh-tok-1', expiresAt: s.now() + 10_000 });
    expect((await s.keeper.grant('p', 'a')).token).toBe('old-token-12');
    expect(calls).toBe(1);
    s.advance(11_000); // now expired; still inside the 15 s back-off
    const err = await s.keeper.grant('p', 'a').catch((e: unknown) => e);
    expect(isGatewayError(err) && err.retryable && err.code === 'GW_UPSTREAM_AUTH').toBe(true);
    expect(calls).toBe(1);
    s.advance(20_000);
    await s.keeper.grant('p', 'a').catch(() => {});
    expect(calls).toBe(2);
    expect(s.repo.get('p', 'a')!.state).toBe('active');
  });

  test('a hung token endpoint holds a request with an expired token only briefly; the refresh goes on for the next ones', async () => {
    let calls = 0;
    let answer: (t: TokenSet) => void = () => {};
    const s = setup(() => {
      calls++;
      return new Promise<TokenSet>((resolve) => void (answer = resolve));
    }, { expiredRefreshWaitMs: 50 });
    s.store({ accessToken: 'expired-token-1', refreshToken: 'refresh-tok-1', expiresAt: s.now() - 1 });
    const t0 = performance.now();
    const err = await s.keeper.grant('p', 'a').catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(isGatewayError(err) && err.retryable && err.code === 'GW_UPSTREAM_AUTH').toBe(true);
    const waiting = s.keeper.grant('p', 'a'); // joins the refresh in flight
    answer({ accessToken: 'fresh-token-12', refreshToken: 'refresh-tok-2', expiresAt: s.now() + 3600_000 });
    expect((await waiting).token).toBe('fresh-token-12');
    expect(calls).toBe(1);
  });

  test('a token with under 30 s left is still used when its refresh does not answer in time', async () => {
    const s = setup(() => new Promise<TokenSet>(() => {}), { expiredRefreshWaitMs: 50 });
    s.store({ accessToken: 'short-lived-1', refreshToken: 'refresh-tok-1', expiresAt: s.now() + 10_000 });
    expect((await s.keeper.grant('p', 'a')).token).toBe('short-lived-1');
  });

  test('invalid_grant marks needs-reauth once; later calls fail fast without refreshing', async () => {
    let calls = 0;
    const s = setup(async () => {
      calls++;
      throw new OAuthError('invalid_grant', 'invalid_grant: revoked', 400);
    });
    s.store({ accessToken: 'old-token-12', refreshToken: 'refresh-tok-1', expiresAt: s.now() - 1 });
    await expect(s.keeper.grant('p', 'a')).rejects.toMatchObject({ code: 'GW_UPSTREAM_AUTH', retryable: true });
    expect(s.repo.get('p', 'a')).toMatchObject({ state: 'needs-reauth', meta: { lastError: 'invalid_grant: revoked' } });
    expect(s.states).toEqual(['a:needs-reauth']);
    await expect(s.keeper.grant('p', 'a')).rejects.toThrow(/connected again/);
    expect(calls).toBe(1);
  });

  test('after a 401 the refresh runs unless another request already replaced the token', async () => {
    let n = 0;
    const s = setup(async (t) => ({ ...t, accessToken: `fresh-token-${++n}`, expiresAt: s.now() + 3600_000 }));
    s.store({ accessToken: 'first-token-1', refreshToken: 'refresh-tok-1', expiresAt: s.now() + 3600_000 });
    const [a, b] = await Promise.all([s.keeper.afterRejection('p', 'a', 'first-token-1'), s.keeper.afterRejection('p', 'a', 'first-token-1')]);
    expect([a.token, b.token]).toEqual(['fresh-token-1', 'fresh-token-1']);
    expect((await s.keeper.afterRejection('p', 'a', 'first-token-1')).token).toBe('fresh-token-1');
    expect(n).toBe(1);
    expect(JSON.parse(s.repo.readSecret('p', 'a')!).accessToken).toBe('fresh-token-1');
  });

  test('a `keys:` secret: used as it is, or (keyIs refresh-token) exchanged and kept in memory only', async () => {
    const plain = setup(async () => ({ accessToken: 'never' }), { staticSecret: 'static-access-token' });
    expect((await plain.keeper.grant('p', 'k')).token).toBe('static-access-token');
    let n = 0;
    const exch = setup(async (t) => ({ accessToken: `copilot-token-${++n}`, refreshToken: t.refreshToken, expiresAt: exch.now() + 1800_000 }), {
      keyIs: 'refresh-token', staticSecret: 'gho_static_github_token',
    });
    expect((await exch.keeper.grant('p', 'k')).token).toBe('copilot-token-1');
    expect((await exch.keeper.grant('p', 'k')).token).toBe('copilot-token-1');
    exch.advance(1800_000);
    expect((await exch.keeper.grant('p', 'k')).token).toBe('copilot-token-2');
    expect(exch.repo.list()).toEqual([]);
  });

  test('a `keys:` secret changed by a config reload is used at once, not the cached old one', async () => {
    const plain = setup(async () => ({ accessToken: 'never' }), { staticSecret: 'old-static-token' });
    expect((await plain.keeper.grant('p', 'k')).token).toBe('old-static-token');
    plain.setStatic('new-static-token');
    expect((await plain.keeper.grant('p', 'k')).token).toBe('new-static-token');
  });
});
