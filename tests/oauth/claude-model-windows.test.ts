/**
 * Claude's weekly Opus (and Sonnet) windows limit one model family, not the account: an
 * account whose Opus week is used up still serves Sonnet from the subscription instead of being
 * skipped for days. The account-wide 5 h / 7 d windows still skip it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, waitForAccounts } from './oauth-kit.ts';

let mock: MockClaude;
let backup: MockAnthropic;
let t: TestGateway;
let dir: string;

const inDays = (d: number) => new Date(Date.now() + d * 86400_000).toISOString();
const chat = () => t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'ladder', messages: [{ role: 'user', content: 'ping' }] } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-cc-windows-'));
  mock = await startMockClaude();
  backup = await startMockAnthropic({ apiKey: 'sk-ant-backup-key-1234' });
  t = await startTestGateway(`
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: anthropic, base_url: "${backup.origin}", keys: [sk-ant-backup-key-1234], allow_private_network: true, models: [claude-sonnet-4-5] }
combos:
  ladder: { models: [cc/claude-sonnet-4-5, backup/claude-sonnet-4-5] }
`);
  const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
  const file = join(dir, '.credentials.json');
  writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: Date.now() + 3600_000 } }));
  expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).status).toBe(200);
  await waitForAccounts(t, 'cc', 1);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Claude per-model weekly windows', () => {
  test('a used-up Opus week does not skip the account for Sonnet', async () => {
    mock.usage = {
      five_hour: { utilization: 10, resets_at: inDays(0.1) },
      seven_day: { utilization: 50, resets_at: inDays(3) },
      seven_day_opus: { utilization: 100, resets_at: inDays(3) },
    };
    await admin(t, 'GET', '/api/accounts?refresh=1');
    const before = mock.messages.length;
    expect((await chat()).status).toBe(200);
    expect(mock.messages.length).toBe(before + 1);
  });

  test('a used-up account-wide week still skips it: the backup serves', async () => {
    mock.usage = {
      five_hour: { utilization: 10, resets_at: inDays(0.1) },
      seven_day: { utilization: 100, resets_at: inDays(3) },
      seven_day_opus: null,
    };
    await admin(t, 'GET', '/api/accounts?refresh=1');
    const before = mock.messages.length;
    expect((await chat()).status).toBe(200);
    expect(mock.messages.length).toBe(before);
  });
});
