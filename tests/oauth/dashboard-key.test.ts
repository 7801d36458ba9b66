/**
 * A key typed in the dashboard (`POST /api/providers/:name/keys`) for a subscription provider
 * works like the same key under `keys:`: a Claude Code long-lived token is sent as the bearer,
 * a Copilot GitHub token is exchanged for Copilot tokens. The stored key stays as typed.
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

beforeAll(async () => {
  claude = await startMockClaude();
  copilot = await startMockCopilot();
  t = await startTestGateway(`
providers:
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
  gh: { base_url: "${copilot.url}", allow_private_network: true, oauth: ${copilot.oauthYaml()} }
`);
});
afterAll(async () => {
  await t.stop();
  await claude.stop();
  await copilot.stop();
});

const chat = (model: string) => t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content: 'ping' }] } });

describe('dashboard keys of subscription providers', () => {
  test('claude-code: the typed token is the bearer', async () => {
    const token = (claude.oauth.issue() as { access_token: string }).access_token;
    const r = await admin(t, 'POST', '/api/providers/cc/keys', { apiKey: token, label: 'setup-token' });
    expect(r.status).toBe(201);
    await waitForAccounts(t, 'cc', 1);
    const res = await chat('cc/claude-sonnet-4-5');
    expect(res.status).toBe(200);
    expect(claude.messages.at(-1)!.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(t.gw.oauth.repo.readSecret('cc', 'setup-token')).toBe(token);
  });

  test('copilot: the typed GitHub token is exchanged for a Copilot token, and stays stored as typed', async () => {
    const gho = (copilot.github.issue() as { access_token: string }).access_token;
    const r = await admin(t, 'POST', '/api/providers/gh/keys', { apiKey: gho, label: 'gh-key' });
    expect(r.status).toBe(201);
    await waitForAccounts(t, 'gh', 1);
    const res = await chat('gh/gpt-4o');
    expect(res.status).toBe(200);
    expect(copilot.exchanges).toBe(1);
    expect(t.gw.oauth.repo.readSecret('gh', 'gh-key')).toBe(gho);
  });

  test('an OAuth login whose account id is a typed key\'s label gets a row of its own: the typed key is not overwritten', async () => {
    const typed = (claude.oauth.issue() as { access_token: string }).access_token;
    // The label a user might give their key: the same email the Claude profile reports.
    expect((await admin(t, 'POST', '/api/providers/cc/keys', { apiKey: typed, label: 'max@example.test' })).status).toBe(201);
    const before = t.gw.host.current.providers.get('cc')!.accounts.length;
    const pair = claude.oauth.issue() as { access_token: string; refresh_token: string };
    const dir = mkdtempSync(join(tmpdir(), 'sy-key-clash-'));
    try {
      const file = join(dir, '.credentials.json');
      writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: Date.now() + 3600_000 } }));
      const imported = await admin(t, 'POST', '/api/oauth/import/cc', { path: file });
      expect(imported.status).toBe(200);
      expect(imported.json.accountId).toBe('max@example.test-oauth');
      await waitForAccounts(t, 'cc', before + 1);
      expect(t.gw.oauth.repo.readSecret('cc', 'max@example.test')).toBe(typed);
      // Importing again updates the OAuth row, not the key's.
      expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).json.accountId).toBe('max@example.test-oauth');
      expect(t.gw.oauth.repo.readSecret('cc', 'max@example.test')).toBe(typed);
      expect(t.gw.oauth.repo.list('cc').map((a) => a.accountId).sort()).toEqual(['max@example.test', 'max@example.test-oauth', 'setup-token']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
