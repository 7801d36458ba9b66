/**
 * The `gemini-cli` provider end to end: Google login through the gateway's own callback,
 * Code Assist project discovery and free-tier onboarding, every client dialect through the
 * official SDKs inside the Cloud Code envelope (`{model, project, request}` out,
 * `{response}` back, per SSE event for streams), per-model quota, and the credentials import.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOCK_GC_PROJECT, startMockGeminiCli, type MockGeminiCli } from '../helpers/mock-oauth-gemini-cli.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, followAuthorize, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockGeminiCli;
let t: TestGateway;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-gc-'));
  mock = await startMockGeminiCli();
  t = await startTestGateway(`
providers:
  gc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  gc-import: { preset: gc, base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Google login and Code Assist onboarding', () => {
  test('offline-access PKCE login through the gateway callback; the free tier is onboarded and its project kept', async () => {
    const start = await admin(t, 'POST', '/api/oauth/gc/start', {});
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'callback' });
    const q = new URL(start.json.authUrl as string).searchParams;
    expect([q.get('access_type'), q.get('prompt'), q.get('scope')?.split(' ').length]).toEqual(['offline', 'consent', 3]);
    const back = await followAuthorize(start.json.authUrl as string);
    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(mock.onboarded).toBe(true);
    await waitForAccounts(t, 'gc', 1);
    const acc = (await admin(t, 'GET', '/api/oauth/gc/status')).json.accounts as Array<{ accountId: string; meta: Record<string, unknown> }>;
    expect(acc).toMatchObject([{ accountId: 'gc@example.test', meta: { email: 'gc@example.test', project: MOCK_GC_PROJECT } }]);
  });
});

describe('Gemini CLI through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.calls.length;
      const r = await via(t, 'gc/gemini-2.5-flash', `gemini cli ${name}`);
      expect(r.text).toBe(`gemini cli ${name}`);
      expect(r.streamed).toBe(`gemini cli ${name} streamed`);
      const calls = mock.calls.slice(sent);
      expect(calls.map((c) => [c.path, c.status])).toEqual([['generateContent', 200], ['streamGenerateContent', 200]]);
      for (const c of calls) {
        expect(c.body).toMatchObject({ model: 'gemini-2.5-flash', project: MOCK_GC_PROJECT });
        expect(c.body.user_prompt_id).toEqual(expect.any(String));
        expect((c.body.request as { contents: unknown[] }).contents.length).toBeGreaterThan(0);
      }
    });
  }

  test('a Gemini client on the passthrough lane: a JSON-array stream comes back unwrapped', async () => {
    const res = await t.fetch('/v1beta/models/gc/gemini-2.5-flash:streamGenerateContent', {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'array reply' }] }] },
    });
    expect(res.status).toBe(200);
    const chunks = (await res.json()) as Array<Record<string, unknown> & { candidates?: Array<{ content: { parts?: Array<{ text?: string }> } }> }>;
    expect(chunks.every((c) => !('response' in c) && Array.isArray(c.candidates))).toBe(true);
    expect(chunks.map((c) => c.candidates![0].content.parts?.[0]?.text ?? '').join('')).toBe('array reply');
  });

  test('per-model quota from retrieveUserQuota', async () => {
    const acc = ((await admin(t, 'GET', '/api/accounts?refresh=1')).json.accounts as Array<{ provider: string; windows: unknown[] }>).find((a) => a.provider === 'gc')!;
    expect(acc.windows).toEqual([{ name: 'gemini-2.5-pro', model: 'gemini-2.5-pro', usedPercent: 25, resetsAt: Date.parse('2030-01-01T00:00:00Z') }]);
  });
});

describe('credentials import', () => {
  test('~/.gemini/oauth_creds.json: the project is found through loadCodeAssist', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    const file = join(dir, 'oauth_creds.json');
    writeFileSync(file, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, scope: 'x', token_type: 'Bearer', expiry_date: Date.now() + 3600_000 }));
    expect((await admin(t, 'POST', '/api/oauth/import/gc-import', { path: file })).json).toEqual({ accountId: 'gc@example.test' });
    await waitForAccounts(t, 'gc-import', 1);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'gc-import/gemini-2.5-pro', messages: [{ role: 'user', content: 'imported' }] } });
    expect(res.status).toBe(200);
    expect(mock.calls.at(-1)!.body.project).toBe(MOCK_GC_PROJECT);
  });
});
