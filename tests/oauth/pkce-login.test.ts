/**
 * Authorization code + PKCE through the admin API, with the Claude mock: the paste flow (the
 * client id's fixed redirect shows `code#state` or a URL to paste) and the gateway's own
 * callback. A forged, mismatched or replayed state is refused before any code exchange.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, followAuthorize, waitForAccounts } from './oauth-kit.ts';

let mock: MockClaude;
let t: TestGateway;

beforeAll(async () => {
  mock = await startMockClaude();
  t = await startTestGateway(`
providers:
  cc:
    base_url: "${mock.url}"
    allow_private_network: true
    oauth: ${mock.oauthYaml()}
  cc-web:
    preset: cc
    base_url: "${mock.url}"
    allow_private_network: true
    oauth: ${mock.oauthYaml('gateway')}
`);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('PKCE login, paste flow', () => {
  test('start gives an S256 authorize URL with state; the pasted redirect connects the account', async () => {
    const start = await admin(t, 'POST', '/api/oauth/cc/start', {});
    expect(start.status).toBe(200);
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'paste', redirectUri: `${mock.url}/oauth/code/callback` });
    const auth = new URL(start.json.authUrl as string);
    expect(auth.origin + auth.pathname).toBe(`${mock.url}/oauth/authorize`);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('state')).toBe(start.json.flowId as string);
    expect(auth.searchParams.get('scope')).toBe('org:create_api_key user:profile user:inference');
    expect(auth.searchParams.get('code')).toBe('true');

    const back = await followAuthorize(start.json.authUrl as string);
    const exchangesBefore = mock.oauth.exchanges;
    // The same code with another state: refused, and no exchange reached the token endpoint.
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state-of-this-login');
    const bad = await admin(t, 'POST', '/api/oauth/cc/complete', { url: forged.toString() });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_state' });
    const mismatch = await admin(t, 'POST', '/api/oauth/cc/complete', { url: back.toString(), flowId: 'some-other-flow' });
    expect(mismatch.status).toBe(400);
    expect(mock.oauth.exchanges).toBe(exchangesBefore);

    const ok = await admin(t, 'POST', '/api/oauth/cc/complete', { url: back.toString() });
    expect(ok.status).toBe(200);
    expect(ok.json.accountId).toBe('max@example.test');
    expect(mock.oauth.exchanges).toBe(exchangesBefore + 1);
    // Single use: the same redirect cannot connect twice.
    const replay = await admin(t, 'POST', '/api/oauth/cc/complete', { url: back.toString() });
    expect(replay.status).toBe(400);

    const status = await admin(t, 'GET', `/api/oauth/cc/status?flow=${start.json.flowId}`);
    expect(status.json).toMatchObject({ provider: 'cc', type: 'claude-code', logins: ['pkce', 'import'], riskNotice: expect.stringContaining('Anthropic') });
    expect(status.json.flows).toMatchObject([{ status: 'complete', accountId: 'max@example.test' }]);
    expect(status.json.accounts).toMatchObject([{ accountId: 'max@example.test', state: 'active', type: 'claude-code', meta: { plan: 'max', kind: 'oauth' } }]);
  });

  test("Anthropic's `code#state` display can be pasted as it is", async () => {
    const start = await admin(t, 'POST', '/api/oauth/cc/start', {});
    const back = await followAuthorize(start.json.authUrl as string);
    const pasted = `${back.searchParams.get('code')}#${back.searchParams.get('state')}`;
    const ok = await admin(t, 'POST', '/api/oauth/cc/complete', { code: pasted });
    expect(ok.status).toBe(200);
    expect(ok.json.accountId).toBe('max@example.test');
  });

  test('the connected account serves requests with its bearer token', async () => {
    await waitForAccounts(t, 'cc', 1);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi there' }] } });
    expect(res.status).toBe(200);
    const seen = mock.messages.at(-1)!;
    expect(seen.status).toBe(200);
    expect(seen.headers.get('authorization')).toMatch(/^Bearer canary-cc-at-/);
  });
});

describe('PKCE login, gateway callback', () => {
  test('the browser lands on /api/oauth/callback (no admin token) and the account is connected', async () => {
    const start = await admin(t, 'POST', '/api/oauth/cc-web/start', {});
    expect(start.json).toMatchObject({ kind: 'pkce', mode: 'callback', redirectUri: `${t.url}/api/oauth/callback` });
    const back = await followAuthorize(start.json.authUrl as string);
    expect(back.origin + back.pathname).toBe(`${t.url}/api/oauth/callback`);

    const exchangesBefore = mock.oauth.exchanges;
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value');
    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('invalid_state');
    expect(mock.oauth.exchanges).toBe(exchangesBefore);

    const page = await fetch(back);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('is connected');
    expect(html).not.toContain(back.searchParams.get('code')!);
    expect((await fetch(back)).status).toBe(400); // replayed
    const accounts = await admin(t, 'GET', '/api/accounts');
    expect((accounts.json.accounts as Array<{ provider: string }>).some((a) => a.provider === 'cc-web')).toBe(true);
  });

  test('the OAuth providers are listed with their login methods and risk notices', async () => {
    const r = await admin(t, 'GET', '/api/oauth/providers');
    const list = r.json.providers as Array<{ provider: string; type: string; logins: string[]; riskNotice: string; accounts: number }>;
    expect(list.map((p) => [p.provider, p.type, p.logins.join(',')])).toEqual([['cc', 'claude-code', 'pkce,import'], ['cc-web', 'claude-code', 'pkce,import']]);
    expect(list.every((p) => p.riskNotice.length > 40)).toBe(true);
    expect(list[0].accounts).toBe(1);
  });

  test('the provider refusing the login reaches the flow status; admin routes need the admin token', async () => {
    const start = await admin(t, 'POST', '/api/oauth/cc-web/start', {});
    const denied = await fetch(`${t.url}/api/oauth/callback?state=${start.json.flowId}&error=access_denied`);
    expect(denied.status).toBe(502);
    const status = await admin(t, 'GET', `/api/oauth/cc-web/status?flow=${start.json.flowId}`);
    expect(status.json.flows).toMatchObject([{ status: 'error', error: expect.stringContaining('access_denied') }]);
    expect((await fetch(`${t.url}/api/oauth/cc/start`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${t.url}/api/accounts`, { headers: { authorization: `Bearer ${t.key}` } })).status).toBe(403);
    expect((await admin(t, 'POST', '/api/oauth/nope/start', {})).status).toBe(404);
  });
});
