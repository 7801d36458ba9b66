/**
 * The `codex` provider end to end: a ChatGPT plan connected by the paste flow (the Codex client
 * id redirects to localhost:1455), then every client dialect through the official SDKs. The
 * mock backend refuses what the real one refuses (non-streamed calls, stored responses, missing
 * instructions, max_output_tokens), so passing replies prove the adapter's envelope.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, followAuthorize, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockCodex;
let t: TestGateway;

beforeAll(async () => {
  mock = await startMockCodex();
  t = await startTestGateway(`
providers:
  cx: { base_url: "${mock.baseUrl}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
combos:
  codex-ladder: { models: [cx/gpt-5.3-codex, cx/gpt-5.1-codex] }
`);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('Codex login', () => {
  test('PKCE with the Codex parameters; the localhost:1455 address is pasted back', async () => {
    const start = await admin(t, 'POST', '/api/oauth/cx/start', {});
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'paste', redirectUri: 'http://localhost:1455/auth/callback' });
    const auth = new URL(start.json.authUrl as string).searchParams;
    expect(auth.get('codex_cli_simplified_flow')).toBe('true');
    expect(auth.get('scope')).toBe('openid profile email offline_access');
    const back = await followAuthorize(start.json.authUrl as string);
    expect(back.host).toBe('localhost:1455');
    const done = await admin(t, 'POST', '/api/oauth/cx/complete', { url: back.toString() });
    expect(done.json).toEqual({ accountId: 'pro@example.test' });
    await waitForAccounts(t, 'cx', 1);
    const acc = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ meta: Record<string, unknown> }>;
    expect(acc[0].meta).toMatchObject({ email: 'pro@example.test', plan: 'pro', kind: 'oauth', source: 'pkce' });
  });
});

describe('Codex subscription through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.calls.length;
      const r = await via(t, 'cx/gpt-5.1-codex', `hi from ${name}`);
      expect(r.text).toBe(`hi from ${name}`);
      expect(r.streamed).toBe(`hi from ${name} streamed`);
      const calls = mock.calls.slice(sent);
      expect(calls.map((c) => c.status)).toEqual([200, 200]);
      for (const c of calls) {
        expect(c.headers.get('authorization')).toMatch(/^Bearer canary-cx-at-/);
        expect(c.headers.get('chatgpt-account-id')).toBe(MOCK_CHATGPT_ACCOUNT);
        expect(c.headers.get('originator')).toBe('codex_cli_rs');
        expect(c.body).toMatchObject({ model: 'gpt-5.1-codex', stream: true, store: false, instructions: expect.any(String) });
        expect(c.body.max_output_tokens).toBeUndefined();
      }
    });
  }

  test('Claude Code\'s session (metadata.user_id) becomes the prompt_cache_key the backend routes its cache by', async () => {
    const sent = mock.calls.length;
    const turn = () => fetch(`${t.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cx/gpt-5.1-codex', max_tokens: 100, metadata: { user_id: 'user_abc_account_1_session_7' }, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.text());
    await turn();
    await turn();
    const keys = mock.calls.slice(sent).map((c) => c.body.prompt_cache_key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^sy-[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(mock.calls.at(-1)!.body.user).toBeUndefined();
  });

  test('a Responses client asking for a 24 h prompt cache (prompt_cache_retention, which the backend refuses) is served without it', async () => {
    const res = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5.1-codex', prompt_cache_retention: '24h', input: 'hi' } });
    expect(res.status).toBe(200);
    expect(mock.calls.at(-1)!.status).toBe(200);
    expect(mock.calls.at(-1)!.body.prompt_cache_retention).toBeUndefined();
  });

  test('a field the backend refuses by name and no list foresaw (VS Code\'s prompt_cache_options): the turn goes without it, and so do the later ones at once', async () => {
    const turn = () => t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5.1-codex', prompt_cache_options: { mode: 'implicit' }, input: 'hi' } });
    const before = mock.calls.length;
    const res = await turn();
    expect(res.status).toBe(200);
    expect(mock.calls.slice(before).map((c) => c.status)).toEqual([400, 200]);
    expect(mock.calls.at(-1)!.body.prompt_cache_options).toBeUndefined();
    expect((await turn()).status).toBe(200);
    expect(mock.calls.length).toBe(before + 3);
    expect(mock.calls.at(-1)!.body.prompt_cache_options).toBeUndefined();
  });

  test("a Responses client's own instructions are kept on the passthrough lane", async () => {
    const res = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5.1-codex', instructions: 'Answer in French.', input: 'bonjour' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { output_text?: string; output: unknown[] }).output.length).toBeGreaterThan(0);
    expect(mock.calls.at(-1)!.body.instructions).toBe('Answer in French.');
  });

  test('built-in tools (web search) reach the subscription: it speaks the Responses format', async () => {
    const res = await t.fetch('/v1/responses', {
      method: 'POST', json: { model: 'cx/gpt-5.1-codex', instructions: 'Be brief.', input: 'what changed in bun?', tools: [{ type: 'web_search' }] },
    });
    expect(res.status).toBe(200);
    expect(mock.calls.at(-1)!.body.tools).toEqual([{ type: 'web_search' }]);
  });

  test('a model the plan no longer serves ("… is not supported when using Codex with a ChatGPT account") falls back to the next in the combo', async () => {
    mock.retired.add('gpt-5.3-codex');
    const sent = mock.calls.length;
    const res = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'codex-ladder', input: 'hi' } });
    expect(res.status).toBe(200);
    expect(mock.calls.slice(sent).map((c) => [c.body.model, c.status])).toEqual([['gpt-5.3-codex', 400], ['gpt-5.1-codex', 200]]);
    // Asked for alone, the client reads the backend's own words (its `{"detail": …}`), not a bare status.
    const alone = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5.3-codex', input: 'hi' } });
    expect(alone.status).toBe(400);
    expect(((await alone.json()) as { error: { message: string } }).error.message).toBe("The 'gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account.");
    mock.retired.clear();
  });

  test('rate-limit windows come from the x-codex-* headers of each answer', async () => {
    const acc = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ windows: Array<Record<string, unknown>> }>;
    const reset = acc[0].windows[0].resetsAt as number;
    expect(acc[0].windows).toMatchObject([
      { name: '5h', usedPercent: 12.5, windowMinutes: 300, resetsAt: expect.any(Number) },
      { name: '7d', usedPercent: 30, windowMinutes: 10_080, resetsAt: expect.any(Number) },
    ]);
    expect(Math.abs(reset - (Date.now() + 3600_000))).toBeLessThan(60_000);
  });
});
