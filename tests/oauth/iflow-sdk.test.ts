/**
 * The `iflow` provider end to end: the authorization-code login (redirect in `redirect`, HTTP
 * Basic client credentials, the pasted redirect address), the API key fetched for the token and
 * sent instead of it, every client dialect through the official SDKs, 401 on a dead key →
 * refresh → new key → retry, the iFlow CLI file import, a revoked refresh token → needs-reauth
 * → fallback, and a canary scan that includes the API keys.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOCK_IF_EMAIL, startMockIflow, type MockIflow } from '../helpers/mock-oauth-iflow.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, followAuthorize, movableClock, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockIflow;
let backup: MockOpenAI;
let t: TestGateway;
let dir: string;
const clock = movableClock();
const bodies: string[] = [];

const chat = async (model: string, content: string) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });
  bodies.push(await res.clone().text());
  return res;
};
const lastKey = () => mock.chats.at(-1)?.headers.get('authorization')?.replace('Bearer ', '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-if-'));
  mock = await startMockIflow();
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-9999' });
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  if: { base_url: "${mock.url}/v1", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  if-import: { preset: if, base_url: "${mock.url}/v1", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-9999], allow_private_network: true }
combos:
  ladder: { models: [if/qwen3-coder-plus, backup/gpt-4o] }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('iFlow login', () => {
  test('the login page gets the redirect in `redirect`; the pasted address completes it; the API key is fetched', async () => {
    const start = await admin(t, 'POST', '/api/oauth/if/start', {});
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'paste', redirectUri: `${mock.url}/oauth2callback` });
    const q = new URL(start.json.authUrl as string).searchParams;
    expect([q.get('redirect'), q.get('loginMethod'), q.get('client_id')]).toEqual([`${mock.url}/oauth2callback`, 'phone', 'mock-iflow-client']);
    const back = await followAuthorize(start.json.authUrl as string);
    const done = await admin(t, 'POST', '/api/oauth/if/complete', { url: back.toString() });
    expect(done).toEqual({ status: 200, json: { accountId: MOCK_IF_EMAIL } });
    expect(mock.oauth.exchanges).toBe(1);
    expect(mock.keys.size).toBe(1);
    await waitForAccounts(t, 'if', 1);
  });
});

describe('iFlow through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies with the API key, not the OAuth token`, async () => {
      const sent = mock.chats.length;
      const r = await via(t, 'if/qwen3-coder-plus', `iflow ${name}`);
      expect([r.text, r.streamed]).toEqual([`iflow ${name}`, `iflow ${name} streamed`]);
      expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([200, 200]);
      expect(lastKey()).toMatch(/^canary-if-key-/);
    });
  }
});

describe('token and key lifetime', () => {
  test('a dead API key (401) → refresh → account info gives a new key → retry', async () => {
    const old = lastKey();
    const calls = mock.oauth.refreshCalls;
    const sent = mock.chats.length;
    mock.rotateKeys();
    expect((await chat('if/qwen3-coder-plus', 'new key')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([401, 200]);
    expect(lastKey()).not.toBe(old);
  });

  test('~/.iflow/oauth_creds.json import', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    const file = join(dir, 'oauth_creds.json');
    writeFileSync(file, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, expiry_date: clock.now() + 86_400_000, token_type: 'bearer', apiKey: 'stale-key-from-file' }));
    expect((await admin(t, 'POST', '/api/oauth/import/if-import', { path: file })).json).toEqual({ accountId: MOCK_IF_EMAIL });
    await waitForAccounts(t, 'if-import', 1);
    expect((await chat('if-import/glm-4.6', 'imported')).status).toBe(200);
    expect(lastKey()).toMatch(/^canary-if-key-/);
  });

  test('a revoked refresh token: needs-reauth and fallback', async () => {
    mock.oauth.revokeRefresh();
    mock.oauth.invalidate();
    mock.rotateKeys();
    clock.advance(2 * 3600_000);
    const before = backup.requests.length;
    expect((await chat('ladder', 'fall back')).status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    const acc = ((await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ provider: string; state: string }>).find((a) => a.provider === 'if');
    expect(acc?.state).toBe('needs-reauth');
  });

  test('no token or API key in the data dir or any client answer', async () => {
    t.gw.log.flush();
    t.gw.usage.flush();
    expect([...mock.keys.keys()].length).toBeGreaterThan(1);
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
