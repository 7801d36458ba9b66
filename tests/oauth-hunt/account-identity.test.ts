/**
 * Which stored account a login becomes. The same login twice (logged in again, or the same
 * credentials file imported twice) is one account; two ChatGPT workspaces of one e-mail (a Plus
 * plan and a Team seat, each with its own tokens and limits) are two accounts: the second login
 * must not overwrite the first one's tokens.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeJwt, MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, waitForAccounts } from '../oauth/oauth-kit.ts';

const TEAM_WORKSPACE = 'acc-team-456';
let mock: MockCodex;
let t: TestGateway;
let dir: string;

/** Writes `~/.codex/auth.json` for a login of `email` in `workspace` and imports it. */
async function importLogin(email: string, workspace: string, plan: string): Promise<{ accountId: string; accessToken: string }> {
  const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
  const idToken = fakeJwt({ email, 'https://api.openai.com/auth': { chatgpt_account_id: workspace, chatgpt_plan_type: plan } });
  const file = join(dir, `auth-${workspace}.json`);
  writeFileSync(file, JSON.stringify({ tokens: { id_token: idToken, access_token: pair.access_token, refresh_token: pair.refresh_token, account_id: workspace } }));
  const r = await admin(t, 'POST', '/api/oauth/import/cx', { path: file });
  expect(r.status).toBe(200);
  return { accountId: r.json.accountId as string, accessToken: pair.access_token };
}

const stored = (accountId: string) => JSON.parse(t.gw.oauth.repo.readSecret('cx', accountId)!) as { accessToken: string; extra?: Record<string, string> };
const listed = async () => ((await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ accountId: string; label: string }>);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-hunt-identity-'));
  mock = await startMockCodex();
  t = await startTestGateway(`
providers:
  cx: { base_url: "${mock.baseUrl}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Codex workspaces of one e-mail', () => {
  test('a Team workspace login beside a Plus login is a second account; the first keeps its tokens', async () => {
    const plus = await importLogin('same@example.test', MOCK_CHATGPT_ACCOUNT, 'plus');
    const team = await importLogin('same@example.test', TEAM_WORKSPACE, 'team');
    expect(plus.accountId).toBe('same@example.test');
    expect(team.accountId).not.toBe(plus.accountId);
    await waitForAccounts(t, 'cx', 2);
    expect(stored(plus.accountId).accessToken).toBe(plus.accessToken);
    expect(stored(plus.accountId).extra?.accountId).toBe(MOCK_CHATGPT_ACCOUNT);
    expect(stored(team.accountId).accessToken).toBe(team.accessToken);
    expect(stored(team.accountId).extra?.accountId).toBe(TEAM_WORKSPACE);
    expect((await listed()).map((a) => a.label)).toEqual(['same@example.test', 'same@example.test (team)']);
    // The Plus account still serves with its own workspace header.
    const r = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5', input: 'hi' } });
    expect(r.status).toBe(200);
    expect(mock.calls.at(-1)!.headers.get('authorization')).toBe(`Bearer ${plus.accessToken}`);
  });

  test('logging in to either workspace again updates that account only', async () => {
    const team = await importLogin('same@example.test', TEAM_WORKSPACE, 'team');
    const plus = await importLogin('same@example.test', MOCK_CHATGPT_ACCOUNT, 'plus');
    expect((await listed()).map((a) => a.accountId)).toEqual([plus.accountId, team.accountId]);
    expect(stored(plus.accountId).accessToken).toBe(plus.accessToken);
    expect(stored(team.accountId).accessToken).toBe(team.accessToken);
  });

  test('the same credentials file imported twice is one account', async () => {
    const file = join(dir, `auth-${MOCK_CHATGPT_ACCOUNT}.json`);
    const again = await admin(t, 'POST', '/api/oauth/import/cx', { path: file });
    expect(again).toEqual({ status: 200, json: { accountId: 'same@example.test' } });
    expect((await listed()).length).toBe(2);
  });
});
