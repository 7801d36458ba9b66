/**
 * Accounts that do not come from an interactive login: a token in `keys:` (Claude Code's
 * `CLAUDE_CODE_OAUTH_TOKEN`, used as it is; a GitHub token for Copilot, exchanged in memory and
 * never stored), and credential files of the official tools imported through the admin API.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startMockCopilot, type MockCopilot } from '../helpers/mock-oauth-copilot.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, waitForAccounts } from './oauth-kit.ts';

let claude: MockClaude;
let copilot: MockCopilot;
let t: TestGateway;
let dir: string;

const chat = (model: string) => t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content: 'static' }] } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-import-'));
  claude = await startMockClaude();
  copilot = await startMockCopilot();
  const ccToken = (claude.oauth.issue() as { access_token: string }).access_token;
  const ghToken = (copilot.github.issue() as { access_token: string }).access_token;
  t = await startTestGateway(`
providers:
  cc-key: { preset: cc, base_url: "${claude.url}", allow_private_network: true, keys: ["${ccToken}"] }
  gh-key: { preset: gh, base_url: "${copilot.url}", allow_private_network: true, keys: ["${ghToken}"], oauth: ${copilot.oauthYaml()} }
  gh: { base_url: "${copilot.url}", allow_private_network: true, oauth: ${copilot.oauthYaml()} }
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
`);
});
afterAll(async () => {
  await t.stop();
  await claude.stop();
  await copilot.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tokens in keys:', () => {
  test('a Claude Code token is sent as the bearer, with the Claude Code envelope', async () => {
    expect((await chat('cc-key/claude-haiku-4-5')).status).toBe(200);
    expect(claude.messages.at(-1)!.headers.get('authorization')).toMatch(/^Bearer canary-cc-at-/);
    expect(claude.oauth.refreshCalls).toBe(0);
  });

  test('a GitHub token is exchanged for a Copilot token in memory; nothing is stored', async () => {
    const before = copilot.exchanges;
    expect((await chat('gh-key/gpt-4.1')).status).toBe(200);
    expect((await chat('gh-key/gpt-4.1')).status).toBe(200);
    expect(copilot.exchanges).toBe(before + 1);
    expect(copilot.chats.at(-1)!.headers.get('authorization')).toMatch(/^Bearer tid=canary-cop-/);
    expect(t.gw.oauth.repo.list('gh-key')).toEqual([]);
  });
});

describe('credential files', () => {
  test("the Copilot editors' apps.json (path given in the request)", async () => {
    const gh = (copilot.github.issue() as { access_token: string }).access_token;
    const file = join(dir, 'apps.json');
    writeFileSync(file, JSON.stringify({ 'github.com:Iv1.b507a08c87ecfe98': { user: 'octocat', oauth_token: gh, githubAppId: 'Iv1.b507a08c87ecfe98' } }));
    const r = await admin(t, 'POST', '/api/oauth/import/gh', { path: file });
    expect(r).toEqual({ status: 200, json: { accountId: 'octocat' } });
    await waitForAccounts(t, 'gh', 1);
    expect((await chat('gh/gpt-4.1')).status).toBe(200);
    expect(t.gw.oauth.repo.get('gh', 'octocat')).toMatchObject({ state: 'active', meta: { source: 'import', github: 'octocat' } });
  });

  test('a missing or unusable file is a 400 naming the file, never its content', async () => {
    const missing = await admin(t, 'POST', '/api/oauth/import/cc', { path: join(dir, 'nope.json') });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 'import_failed', message: expect.stringContaining('nope.json') });
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ claudeAiOauth: { refreshToken: 'canary-secret-in-file' } }));
    const bad = await admin(t, 'POST', '/api/oauth/import/cc', { path: file });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).not.toContain('canary-secret-in-file');
    expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: 'relative/path.json' })).status).toBe(400);
  });

  test('a provider without OAuth login refuses to start one', async () => {
    const r = await admin(t, 'POST', '/api/oauth/gh/start', { flow: 'pkce' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'unsupported' });
  });
});
