/**
 * Tokens in what the gateway keeps about an account. A refused refresh is recorded on the
 * account (`meta.lastError`, shown by `GET /api/accounts` and stored as plain JSON beside the
 * sealed tokens) with the token server's own words; a server that quotes the refresh token there
 * must not put it in the database or the admin answer.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, movableClock, waitForAccounts } from '../oauth/oauth-kit.ts';

let mock: MockClaude;
let t: TestGateway;
let dir: string;
const clock = movableClock();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-hunt-secrets-'));
  mock = await startMockClaude({ echoRefreshToken: true });
  t = await startTestGateway(`
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a refused refresh that quotes the refresh token', () => {
  test('the account records why, without the token (admin answer, database, logs)', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    const file = join(dir, '.credentials.json');
    writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + 3600_000 } }));
    expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).status).toBe(200);
    await waitForAccounts(t, 'cc', 1);
    mock.oauth.revokeRefresh();
    clock.advance(2 * 3600_000);
    const res = await t.fetch('/v1/messages', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain(pair.refresh_token);

    const listed = await admin(t, 'GET', '/api/accounts');
    const acc = (listed.json.accounts as Array<{ state: string; meta: { lastError?: string } }>)[0]!;
    expect(acc.state).toBe('needs-reauth');
    expect(acc.meta.lastError).toContain('invalid_grant');
    expect(JSON.stringify(listed.json)).not.toContain(pair.refresh_token);
    expect(filesContaining(t.dataDir, [pair.refresh_token])).toEqual([]);
  });
});
