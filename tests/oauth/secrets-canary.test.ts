/**
 * Tokens never leave the process as text: after logins, refreshes, a 401 retry, a revoked grant
 * and an upstream that echoes the token in its error, no file of the data dir (database, WAL,
 * logs at debug level) holds any token the mock issued (they all start with `canary-`), the
 * database holds ciphertext that decrypts to them, and no client answer contains one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anthropicErrorBody } from '../helpers/mock-anthropic-upstream.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, followAuthorize, movableClock, waitForAccounts } from './oauth-kit.ts';

let mock: MockClaude;
let t: TestGateway;
const clock = movableClock();
const bodies: string[] = [];

async function chat(content: string): Promise<Response> {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', messages: [{ role: 'user', content }] } });
  bodies.push(await res.clone().text());
  return res;
}

beforeAll(async () => {
  mock = await startMockClaude();
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`, { now: clock.now });
  const start = await admin(t, 'POST', '/api/oauth/cc/start', {});
  const back = await followAuthorize(start.json.authUrl as string);
  bodies.push(JSON.stringify((await admin(t, 'POST', '/api/oauth/cc/complete', { url: back.toString() })).json));
  await waitForAccounts(t, 'cc', 1);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('canary scan', () => {
  test('a full token lifecycle leaves no token in logs, database or client answers', async () => {
    expect((await chat('first')).status).toBe(200);
    clock.advance(3600_000); // refresh ahead of expiry
    expect((await chat('after refresh')).status).toBe(200);
    mock.oauth.invalidate(); // 401 → refresh → retry
    expect((await chat('after 401')).status).toBe(200);
    // An upstream that echoes the bearer token in its error message.
    mock.intercept = (token) => Response.json(anthropicErrorBody(400, `bad request for token ${token}`), { status: 400 });
    const echoed = await chat('echo');
    mock.intercept = undefined;
    expect(echoed.status).toBe(400);
    expect(bodies.at(-1)).toContain('bad request for token ***');
    // A careless plugin logging a token: the logger masks it.
    const live = JSON.parse(t.gw.oauth.repo.readSecret('cc', 'max@example.test')!) as { accessToken: string };
    t.gw.log.warn(`careless line ${live.accessToken}`, { token: live.accessToken, nested: { note: `Bearer ${live.accessToken}` } });
    mock.oauth.revokeRefresh(); // refused refresh → needs-reauth (logged with its reason)
    mock.oauth.invalidate();
    clock.advance(3600_000);
    expect((await chat('revoked')).status).toBe(502);
    expect((await admin(t, 'GET', '/api/accounts')).json.accounts).toMatchObject([{ state: 'needs-reauth' }]);
    bodies.push(JSON.stringify((await admin(t, 'GET', '/api/oauth/cc/status')).json));

    t.gw.log.flush();
    t.gw.usage.flush();
    const issued = mock.oauth.issued();
    expect(issued.length).toBe(6); // login, refresh ahead of expiry, refresh after the 401: a pair each
    // Every file of the data dir: switchyard.db, -wal, -shm, logs/switchyard.log, secret.key…
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);

    const log = readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8');
    expect(log).toContain('oauth account connected');
    expect(log).toContain('careless line ***');
    expect(log).toContain('needs to be connected again');
    // The database does hold the account, sealed: the key id beside it, the plaintext only in memory.
    const row = t.gw.oauth.repo.get('cc', 'max@example.test')!;
    expect(row.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(t.gw.oauth.repo.readSecret('cc', 'max@example.test')).toContain('canary-cc-rt-');
  });
});
