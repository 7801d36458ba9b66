/**
 * Importing a credentials file whose access token has already expired (the official CLI was not
 * used for an hour): the gateway refreshes it first, so the steps that call the provider with
 * the token after a login (Code Assist project discovery, the profile that names the account)
 * work, and the account gets the same id as a fresh login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOCK_GC_PROJECT, startMockGeminiCli, type MockGeminiCli } from '../helpers/mock-oauth-gemini-cli.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, waitForAccounts } from './oauth-kit.ts';

let mock: MockGeminiCli;
let t: TestGateway;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-expired-'));
  mock = await startMockGeminiCli();
  t = await startTestGateway(`
providers:
  gc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('import of an expired credentials file', () => {
  test('gemini-cli: the expired token is refreshed before onboarding; the refreshed pair is stored', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    mock.oauth.invalidate(pair.access_token);
    const file = join(dir, 'oauth_creds.json');
    writeFileSync(file, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, token_type: 'Bearer', expiry_date: Date.now() - 60_000 }));
    const r = await admin(t, 'POST', '/api/oauth/import/gc', { path: file });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accountId: 'gc@example.test' });
    expect(mock.oauth.refreshCalls).toBe(1);
    await waitForAccounts(t, 'gc', 1);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'gc/gemini-2.5-pro', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(200);
    expect(mock.calls.at(-1)!.body.project).toBe(MOCK_GC_PROJECT);
    expect(mock.oauth.refreshCalls).toBe(1);
  });

  test('a file whose refresh token is dead too is refused with a readable error, and nothing is stored', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    mock.oauth.invalidate(pair.access_token);
    mock.oauth.refresh.set(pair.refresh_token, false);
    const file = join(dir, 'dead_creds.json');
    writeFileSync(file, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, token_type: 'Bearer', expiry_date: Date.now() - 60_000 }));
    const before = (await admin(t, 'GET', '/api/accounts')).json.accounts as unknown[];
    const r = await admin(t, 'POST', '/api/oauth/import/gc', { path: file });
    expect(r.status).toBe(400);
    expect((r.json.error as { code: string; message: string })).toMatchObject({ code: 'import_failed', message: expect.stringContaining('log in again') });
    expect(JSON.stringify(r.json)).not.toContain(pair.refresh_token);
    expect((await admin(t, 'GET', '/api/accounts')).json.accounts).toEqual(before);
  });
});
