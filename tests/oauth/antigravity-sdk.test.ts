/**
 * The `antigravity` provider end to end: Google login with Antigravity's client through the
 * gateway's callback, project onboarding with Antigravity's metadata, every client dialect
 * through the official SDKs inside Antigravity's Code Assist envelope, per-model quota windows
 * that routing honours (an exhausted model falls back, the others still serve), 401 → refresh
 * → retry, a revoked refresh token → needs-reauth → fallback, and a canary scan.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockAntigravity, MOCK_AG_EMAIL, MOCK_AG_PROJECT, type MockAntigravity } from '../helpers/mock-oauth-antigravity.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, followAuthorize, movableClock, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockAntigravity;
let backup: MockOpenAI;
let t: TestGateway;
const clock = movableClock();
const bodies: string[] = [];

const chat = async (model: string, content: string) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });
  bodies.push(await res.clone().text());
  return res;
};

beforeAll(async () => {
  mock = await startMockAntigravity();
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-5678' });
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  ag: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-5678], allow_private_network: true }
combos:
  claude-ladder: { models: [ag/claude-sonnet-4-5, backup/gpt-4o] }
  gemini-ladder: { models: [ag/gemini-3-pro-high, backup/gpt-4o] }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
});

describe('Google login with the Antigravity client', () => {
  test('offline PKCE login with Antigravity scopes; onboarding with Antigravity metadata; project kept', async () => {
    const start = await admin(t, 'POST', '/api/oauth/ag/start', {});
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'callback' });
    const scopes = new URL(start.json.authUrl as string).searchParams.get('scope')!.split(' ');
    expect(scopes).toEqual(expect.arrayContaining(['https://www.googleapis.com/auth/cclog', 'https://www.googleapis.com/auth/experimentsandconfigs']));
    const back = await followAuthorize(start.json.authUrl as string);
    expect((await fetch(back)).status).toBe(200);
    expect(mock.onboarded).toBe(true);
    await waitForAccounts(t, 'ag', 1);
    const acc = (await admin(t, 'GET', '/api/oauth/ag/status')).json.accounts as Array<{ accountId: string; meta: Record<string, unknown> }>;
    expect(acc).toMatchObject([{ accountId: MOCK_AG_EMAIL, meta: { project: MOCK_AG_PROJECT } }]);
  });
});

describe('Antigravity through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies in Antigravity's envelope`, async () => {
      const sent = mock.calls.length;
      const r = await via(t, 'ag/gemini-3-pro-high', `antigravity ${name}`);
      expect([r.text, r.streamed]).toEqual([`antigravity ${name}`, `antigravity ${name} streamed`]);
      const calls = mock.calls.slice(sent);
      expect(calls.map((c) => [c.path, c.status])).toEqual([['generateContent', 200], ['streamGenerateContent', 200]]);
      for (const c of calls) {
        expect(c.body).toMatchObject({ model: 'gemini-3-pro-high', project: MOCK_AG_PROJECT, userAgent: 'antigravity', requestType: 'agent' });
        expect(c.headers.get('authorization')).toMatch(/^Bearer canary-ag-at-/);
      }
    });
  }

  test('a Gemini client takes the passthrough lane: the stream comes back unwrapped', async () => {
    const res = await t.fetch('/v1beta/models/ag/gemini-3-pro-high:streamGenerateContent?alt=sse', {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'raw sse' }] }] },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain('"response"');
    expect(text).toContain('"candidates"');
  });
});

describe('quota and token lifetime', () => {
  test('per-model windows from fetchAvailableModels; an exhausted model falls back, the others still serve', async () => {
    const acc = ((await admin(t, 'GET', '/api/accounts?refresh=1')).json.accounts as Array<{ windows: unknown[] }>)[0]!;
    expect(acc.windows).toEqual([
      { name: 'gemini-3-pro-high', model: 'gemini-3-pro-high', usedPercent: 60, resetsAt: Date.parse('2030-01-01T00:00:00Z') },
      { name: 'claude-sonnet-4-5', model: 'claude-sonnet-4-5', usedPercent: 100, resetsAt: Date.parse('2030-01-02T00:00:00Z') },
    ]);
    const sent = mock.calls.length;
    const before = backup.requests.length;
    expect((await chat('claude-ladder', 'claude is used up')).status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    expect((await chat('gemini-ladder', 'gemini has quota')).status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    expect(mock.calls.length).toBe(sent + 1);
  });

  test('401 → one refresh at Google → retry with the new token', async () => {
    const calls = mock.oauth.refreshCalls;
    const sent = mock.calls.length;
    mock.oauth.invalidate();
    expect((await chat('ag/gemini-3-pro-high', 'after 401')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.calls.slice(sent).map((c) => c.status)).toEqual([401, 200]);
  });

  test('a revoked refresh token: needs-reauth and fallback to the next target', async () => {
    mock.oauth.revokeRefresh();
    mock.oauth.invalidate();
    clock.advance(2 * 3600_000);
    const before = backup.requests.length;
    expect((await chat('gemini-ladder', 'revoked')).status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    expect((await admin(t, 'GET', '/api/accounts')).json.accounts).toMatchObject([{ provider: 'ag', state: 'needs-reauth' }]);
  });

  test('no token in the data dir or in any client answer', async () => {
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
