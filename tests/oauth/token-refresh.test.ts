/**
 * Token lifetime of a subscription account (Claude mock): refresh ahead of expiry, 401 →
 * refresh → one retry, 50 concurrent requests during expiry share one refresh, and a revoked
 * refresh token marks the account `needs-reauth` while the request falls back to the next target.
 * The gateway's clock is moved by the test; the mock's tokens live in real time.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from './oauth-kit.ts';

let mock: MockClaude;
let backup: MockAnthropic;
let t: TestGateway;
let credsDir: string;
const clock = movableClock();
const states: string[] = [];

const chat = (model: string, content = 'ping', stream = false) =>
  t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content }] } });

/** Writes a Claude Code credentials file holding a fresh token pair of the mock and imports it. */
async function importFresh(): Promise<string> {
  const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
  const file = join(credsDir, '.credentials.json');
  writeFileSync(file, JSON.stringify({
    claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + 3600_000, scopes: ['user:inference'], subscriptionType: 'max' },
  }));
  const r = await admin(t, 'POST', '/api/oauth/import/cc', { path: file });
  expect(r.status).toBe(200);
  return pair.access_token;
}

/** The assistant text of an OpenAI chat answer, streamed or not. */
async function textOf(res: Response): Promise<string> {
  const body = await res.text();
  if (!body.startsWith('data:')) return (JSON.parse(body) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content;
  return body.split('\n').filter((l) => l.startsWith('data: {'))
    .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '').join('');
}

const lastBearer = () => mock.messages.at(-1)?.headers.get('authorization')?.replace('Bearer ', '');

beforeAll(async () => {
  credsDir = mkdtempSync(join(tmpdir(), 'sy-oauth-creds-'));
  mock = await startMockClaude({ refreshDelayMs: 100 });
  backup = await startMockAnthropic({ apiKey: 'sk-ant-backup-key-1234' });
  t = await startTestGateway(`
providers:
  cc:
    base_url: "${mock.url}"
    allow_private_network: true
    oauth: ${mock.oauthYaml()}
  backup: { type: anthropic, base_url: "${backup.origin}", keys: [sk-ant-backup-key-1234], allow_private_network: true, models: [claude-sonnet-4-5] }
combos:
  ladder: { models: [cc/claude-sonnet-4-5, backup/claude-sonnet-4-5] }
`, { now: clock.now });
  t.gw.bus.on('oauth:account-state-changed', (e) => {
    states.push(`${e.provider}/${e.account}:${e.state}`);
  });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(credsDir, { recursive: true, force: true });
});

describe('refresh', () => {
  test('an imported token is used as it is while it is fresh', async () => {
    const at = await importFresh();
    await waitForAccounts(t, 'cc', 1);
    expect((await chat('cc/claude-sonnet-4-5')).status).toBe(200);
    expect(lastBearer()).toBe(at);
    expect(mock.oauth.refreshCalls).toBe(0);
  });

  test('within 5 minutes of expiry the token is refreshed before the call (no 401 needed)', async () => {
    const before = lastBearer();
    const rejected = mock.oauth.rejected401;
    clock.advance(3600_000 - 4 * 60_000);
    expect((await chat('cc/claude-sonnet-4-5')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(1);
    expect(lastBearer()).not.toBe(before);
    expect(mock.oauth.rejected401).toBe(rejected);
    const accounts = await admin(t, 'GET', '/api/accounts');
    const acc = (accounts.json.accounts as Array<{ expiresAt: number }>)[0];
    expect(acc.expiresAt).toBeGreaterThan(clock.now() + 50 * 60_000);
  });

  test('a 401 refreshes once and retries once with the new token', async () => {
    const stale = lastBearer()!;
    const calls = mock.oauth.refreshCalls;
    const sent = mock.messages.length;
    mock.oauth.invalidate(stale);
    const res = await chat('cc/claude-sonnet-4-5', 'after 401', true);
    expect(res.status).toBe(200);
    expect(await textOf(res)).toBe('after 401');
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.messages.slice(sent).map((m) => m.status)).toEqual([401, 200]);
    expect(lastBearer()).not.toBe(stale);
  });

  test('a second 401 after the refresh is not retried again: the client gets a 502', async () => {
    const sent = mock.messages.length;
    mock.oauth.invalidate(lastBearer());
    mock.oauth.nextTtlSec = -1; // the refreshed token is dead on arrival too
    const res = await chat('cc/claude-sonnet-4-5');
    mock.oauth.nextTtlSec = undefined;
    expect(res.status).toBe(502);
    expect(mock.messages.slice(sent).map((m) => m.status)).toEqual([401, 401]);
  });

  test('50 concurrent requests during expiry share exactly one refresh', async () => {
    await chat('cc/claude-sonnet-4-5'); // heal the dead token of the previous test
    clock.advance(2 * 3600_000);
    const calls = mock.oauth.refreshCalls;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => chat('cc/claude-sonnet-4-5', `n${i}`, i % 2 === 0)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const texts = await Promise.all(results.map(textOf));
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(new Set(mock.messages.slice(-50).map((m) => m.headers.get('authorization'))).size).toBe(1);
  });
});

describe('revoked refresh token', () => {
  test('marks the account needs-reauth and the request falls back to the next target', async () => {
    mock.oauth.revokeRefresh();
    clock.advance(2 * 3600_000);
    const calls = mock.oauth.refreshCalls;
    const backupBefore = backup.requests.length;
    const res = await chat('ladder', 'fall back please');
    expect(res.status).toBe(200);
    expect(await textOf(res)).toBe('fall back please');
    expect(backup.requests.length).toBe(backupBefore + 1);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    const accounts = await admin(t, 'GET', '/api/accounts');
    expect(accounts.json.accounts).toMatchObject([{ provider: 'cc', accountId: 'max@example.test', state: 'needs-reauth' }]);
    expect(states).toContain('cc/max@example.test:needs-reauth');
  });

  test('routing then skips it without calling its token endpoint; a new login brings it back', async () => {
    await waitForAccounts(t, 'cc', 0);
    const calls = mock.oauth.refreshCalls;
    const sent = mock.messages.length;
    expect((await chat('ladder')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls);
    expect(mock.messages.length).toBe(sent);
    const direct = await chat('cc/claude-sonnet-4-5');
    expect(direct.status).toBe(502);
    expect(await direct.text()).toContain('no connected account');

    await importFresh();
    await waitForAccounts(t, 'cc', 1);
    expect((await admin(t, 'GET', '/api/accounts')).json.accounts).toMatchObject([{ state: 'active' }]);
    expect((await chat('ladder', 'back on cc')).status).toBe(200);
    expect(mock.messages.length).toBe(sent + 1);
  });
});
