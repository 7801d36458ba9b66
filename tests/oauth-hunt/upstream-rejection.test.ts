/**
 * A Claude subscription token the upstream refuses mid-session. Anthropic answers a revoked
 * OAuth token with 403 `permission_error` "OAuth token has been revoked" (not 401): the official
 * CLI refreshing the same imported login rotates the grant and revokes the gateway's token. That
 * answer must count as a dead token like a 401: one refresh, one retry; a refused refresh marks
 * the account needs-reauth and the request falls back, and routing then skips the account.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { MOCK_CLAUDE_CLIENT_ID, startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from '../oauth/oauth-kit.ts';

let mock: MockClaude;
let backup: MockAnthropic;
let t: TestGateway;
let dir: string;
const clock = movableClock();
/** Access tokens the upstream now answers with 403 "revoked". */
const revoked = new Set<string>();

const ask = (model: string, content = 'ping') =>
  t.fetch('/v1/messages', { method: 'POST', json: { model, max_tokens: 64, messages: [{ role: 'user', content }] } });

async function importPair(): Promise<{ access_token: string; refresh_token: string }> {
  const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
  const file = join(dir, '.credentials.json');
  writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + 3600_000 } }));
  expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).status).toBe(200);
  await waitForAccounts(t, 'cc', 1);
  return pair;
}

function answerRevoked(token: string): Response | undefined {
  if (!revoked.has(token)) return undefined;
  return Response.json({ type: 'error', error: { type: 'permission_error', message: 'OAuth token has been revoked. Please obtain a new token.' } }, { status: 403 });
}

/** The official CLI, sharing the imported login, refreshes it: the grant rotates and its old access token is revoked. */
async function cliRefreshes(pair: { access_token: string; refresh_token: string }): Promise<void> {
  const res = await fetch(`${mock.url}/v1/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: pair.refresh_token, client_id: MOCK_CLAUDE_CLIENT_ID }),
  });
  expect(res.status).toBe(200);
  revoked.add(pair.access_token);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-hunt-reject-'));
  mock = await startMockClaude();
  mock.intercept = answerRevoked;
  backup = await startMockAnthropic({ apiKey: 'sk-ant-backup-key-1234' });
  t = await startTestGateway(`
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: anthropic, base_url: "${backup.origin}", keys: [sk-ant-backup-key-1234], allow_private_network: true, models: [claude-sonnet-4-5] }
combos:
  ladder: { models: [cc/claude-sonnet-4-5, backup/claude-sonnet-4-5] }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('403 "OAuth token has been revoked"', () => {
  test('with a live refresh token: one refresh, the same request retried on the subscription', async () => {
    const pair = await importPair();
    revoked.add(pair.access_token); // revoked server-side, the grant itself still alive
    const refreshes = mock.oauth.refreshCalls;
    const backupBefore = backup.requests.length;
    const res = await ask('ladder', 'still mine');
    expect(res.status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(refreshes + 1);
    expect(mock.messages.slice(-2).map((m) => m.status)).toEqual([403, 200]);
    expect(backup.requests.length).toBe(backupBefore);
  });

  test('when the grant was rotated elsewhere: needs-reauth, the request falls back, routing skips the account', async () => {
    const pair = await importPair();
    await cliRefreshes(pair);
    const backupBefore = backup.requests.length;
    const res = await ask('ladder', 'fall back');
    expect(res.status).toBe(200);
    expect(backup.requests.length).toBe(backupBefore + 1);
    const acc = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ state: string }>;
    expect(acc).toMatchObject([{ state: 'needs-reauth' }]);

    await waitForAccounts(t, 'cc', 0);
    const sent = mock.messages.length;
    expect((await ask('ladder', 'again')).status).toBe(200);
    expect(mock.messages.length).toBe(sent);
  });

  test('other 403s (not a revoked token) are not refreshed', async () => {
    await importPair();
    const refreshes = mock.oauth.refreshCalls;
    mock.intercept = () => Response.json({ type: 'error', error: { type: 'permission_error', message: 'Your organization does not have access to this model.' } }, { status: 403 });
    try {
      const res = await ask('ladder', 'other 403');
      expect(res.status).toBe(200); // the backup serves
      expect(mock.oauth.refreshCalls).toBe(refreshes);
      expect((await admin(t, 'GET', '/api/accounts')).json.accounts).toMatchObject([{ state: 'active' }]);
    } finally {
      mock.intercept = answerRevoked;
    }
  });
});
