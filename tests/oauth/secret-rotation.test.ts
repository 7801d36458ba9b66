/**
 * `switchyard secrets rotate` while the gateway runs: the CLI re-encrypts the stored tokens with
 * a new key, and the running gateway keeps opening them (it finds the new key in the data dir)
 * and seals refreshed tokens with the new key.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../foundation/foundation-kit.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from './oauth-kit.ts';

let mock: MockClaude;
let t: TestGateway;
let credsDir: string;
const clock = movableClock();

const chat = () => t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', messages: [{ role: 'user', content: 'ping' }] } });
const lastBearer = () => mock.messages.at(-1)?.headers.get('authorization')?.replace('Bearer ', '');

beforeAll(async () => {
  credsDir = mkdtempSync(join(tmpdir(), 'sy-rotate-creds-'));
  mock = await startMockClaude();
  t = await startTestGateway(`
providers:
  cc:
    base_url: "${mock.url}"
    allow_private_network: true
    oauth: ${mock.oauthYaml()}
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(credsDir, { recursive: true, force: true });
});

describe('secrets rotate', () => {
  test('the CLI rotates the key under a running gateway, which keeps serving and seals with the new key', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    const file = join(credsDir, '.credentials.json');
    writeFileSync(file, JSON.stringify({
      claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + 3600_000, scopes: ['user:inference'] },
    }));
    expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).status).toBe(200);
    await waitForAccounts(t, 'cc', 1);
    const account = t.gw.oauth.repo.list('cc')[0]!;
    const oldKey = account.keyId;
    expect((await chat()).status).toBe(200);

    const r = await runCli(['secrets', 'rotate', '--data-dir', t.dataDir], cleanEnv());
    expect(r.code).toBe(0);
    const newKey = /New key ([0-9a-f]{16})/.exec(r.stdout)?.[1];
    expect(newKey).toBeDefined();
    expect(newKey).not.toBe(oldKey);
    expect(r.stdout).toContain('Re-encrypted 1 stored token');
    expect(r.stdout + r.stderr).not.toContain(pair.access_token);

    // The running gateway opens the row the CLI re-encrypted…
    expect(t.gw.oauth.repo.get('cc', account.accountId)?.keyId).toBe(newKey!);
    expect(t.gw.oauth.repo.readSecret('cc', account.accountId)).toContain(pair.access_token);
    expect((await chat()).status).toBe(200);
    expect(lastBearer()).toBe(pair.access_token);

    // …and a refreshed token is sealed with the new key.
    clock.advance(3600_000 - 60_000);
    expect((await chat()).status).toBe(200);
    expect(lastBearer()).not.toBe(pair.access_token);
    expect(t.gw.oauth.repo.get('cc', account.accountId)?.keyId).toBe(newKey!);

    const again = await runCli(['secrets', 'reseal', '--data-dir', t.dataDir], cleanEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`key ${newKey} (current): 1 stored token`);
  }, 30_000);
});
