/**
 * Importing the official CLIs' credential files from where those CLIs keep them. Codex keeps
 * `auth.json` in `$CODEX_HOME` and Claude Code `.credentials.json` in `$CLAUDE_CONFIG_DIR` when
 * set (users with several profiles set them); an import without a path must look there before
 * the home-folder default, and the gateway's own override still wins.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeJwt, MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin } from '../oauth/oauth-kit.ts';

let codex: MockCodex;
let claude: MockClaude;
let t: TestGateway;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sy-hunt-import-'));
  for (const d of ['home', 'codex-home', 'claude-profile']) mkdirSync(join(root, d));
  codex = await startMockCodex();
  claude = await startMockClaude();
  t = await startTestGateway(`
providers:
  cx: { base_url: "${codex.baseUrl}", allow_private_network: true, oauth: ${codex.oauthYaml()} }
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
`, { env: { ...process.env, HOME: join(root, 'home'), CODEX_HOME: join(root, 'codex-home'), CLAUDE_CONFIG_DIR: join(root, 'claude-profile') } });
});
afterAll(async () => {
  await t.stop();
  await codex.stop();
  await claude.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the CLI folder variables', () => {
  test('Codex: $CODEX_HOME/auth.json', async () => {
    const pair = codex.oauth.issue() as { access_token: string; refresh_token: string };
    const idToken = fakeJwt({ email: 'codex-home@example.test', 'https://api.openai.com/auth': { chatgpt_account_id: MOCK_CHATGPT_ACCOUNT } });
    writeFileSync(join(root, 'codex-home', 'auth.json'), JSON.stringify({ tokens: { id_token: idToken, access_token: pair.access_token, refresh_token: pair.refresh_token, account_id: MOCK_CHATGPT_ACCOUNT } }));
    expect(await admin(t, 'POST', '/api/oauth/import/cx', {})).toEqual({ status: 200, json: { accountId: 'codex-home@example.test' } });
  });

  test('Claude Code: $CLAUDE_CONFIG_DIR/.credentials.json', async () => {
    const pair = claude.oauth.issue() as { access_token: string; refresh_token: string };
    writeFileSync(join(root, 'claude-profile', '.credentials.json'), JSON.stringify({
      claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: Date.now() + 3600_000 },
    }));
    expect(await admin(t, 'POST', '/api/oauth/import/cc', {})).toEqual({ status: 200, json: { accountId: 'max@example.test' } });
  });
});
