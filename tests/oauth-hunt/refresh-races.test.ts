/**
 * A refresh is a network call that takes its time; what happens meanwhile must not cost the
 * user the session. A login (or import) of the same account that lands while a refresh of the
 * old grant is on its way wins over that refresh's outcome; and a slow token endpoint does not
 * hold requests while the current token still has minutes to live.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from '../oauth/oauth-kit.ts';

let mock: MockClaude;
let t: TestGateway;
let dir: string;
const clock = movableClock();

const ask = (content = 'ping') =>
  t.fetch('/v1/messages', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content }] } });
const lastBearer = () => mock.messages.at(-1)?.headers.get('authorization')?.replace('Bearer ', '');

/** Imports a fresh pair of the mock, valid `ttlMs` on the gateway's clock. */
async function importPair(ttlMs = 3600_000): Promise<{ access_token: string; refresh_token: string }> {
  const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
  const file = join(dir, `creds-${pair.access_token.slice(-6)}.json`);
  writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + ttlMs } }));
  const r = await admin(t, 'POST', '/api/oauth/import/cc', { path: file });
  expect(r.status).toBe(200);
  return pair;
}

const stateOf = async () => ((await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ state: string }>)[0]?.state;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-hunt-races-'));
  mock = await startMockClaude();
  t = await startTestGateway(`
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a login during a refresh', () => {
  test('the refused refresh of the old grant does not mark the new login needs-reauth; the waiting request uses the new login', async () => {
    const old = await importPair();
    await waitForAccounts(t, 'cc', 1);
    mock.oauth.refresh.set(old.refresh_token, false); // the user signed out of that session
    mock.oauth.o.refreshDelayMs = 400;
    clock.advance(2 * 3600_000); // the old token has expired on the gateway's clock
    const pending = ask('during the new login');
    await Bun.sleep(100); // the refresh of the old grant is on its way
    const fresh = await importPair(); // the user connects the account again
    const res = await pending;
    mock.oauth.o.refreshDelayMs = undefined;
    expect(res.status).toBe(200);
    expect(lastBearer()).toBe(fresh.access_token);
    expect(await stateOf()).toBe('active');
    await waitForAccounts(t, 'cc', 1);
    expect((await ask('after')).status).toBe(200);
    expect(lastBearer()).toBe(fresh.access_token);
  });

  test('the successful refresh of the old grant does not overwrite the new login', async () => {
    await importPair();
    await waitForAccounts(t, 'cc', 1);
    clock.advance(2 * 3600_000);
    mock.oauth.o.refreshDelayMs = 400;
    const pending = ask('refresh of the old grant');
    await Bun.sleep(100);
    const fresh = await importPair();
    expect((await pending).status).toBe(200);
    mock.oauth.o.refreshDelayMs = undefined;
    expect((await ask('after')).status).toBe(200);
    expect(lastBearer()).toBe(fresh.access_token);
    const stored = JSON.parse(t.gw.oauth.repo.readSecret('cc', 'max@example.test')!) as { accessToken: string };
    expect(stored.accessToken).toBe(fresh.access_token);
  });
});

describe('a slow token endpoint', () => {
  test('a refresh ahead of expiry holds a request at most briefly while the token still works', async () => {
    const pair = await importPair(10 * 60_000);
    await waitForAccounts(t, 'cc', 1);
    clock.advance(6 * 60_000); // due for refresh (within 5 min), still valid for 4
    const calls = mock.oauth.refreshCalls;
    mock.oauth.o.refreshDelayMs = 5000;
    const t0 = performance.now();
    const res = await ask('no waiting');
    const took = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(took).toBeLessThan(3500);
    expect(lastBearer()).toBe(pair.access_token);
    // The refresh finishes in the background (one, whatever the number of requests) and later requests use its token.
    expect((await ask('second')).status).toBe(200);
    await Bun.sleep(5200 - (performance.now() - t0));
    mock.oauth.o.refreshDelayMs = undefined;
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect((await ask('third')).status).toBe(200);
    expect(lastBearer()).not.toBe(pair.access_token);
  }, 15_000);
});
