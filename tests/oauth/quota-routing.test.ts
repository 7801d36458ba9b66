/**
 * Live quota windows drive routing: a Codex account imported from `~/.codex/auth.json` reports
 * its 5 h / weekly windows from each answer's headers (`quota:windows-updated`); once a window
 * is used up the `oauth-accounts` guard skips the account, without an upstream call, until the
 * window resets — the next target serves. As the plan's last target it is still called.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuotaWindow } from '../../core/oauth/oauth-types.ts';
import { MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from './oauth-kit.ts';

let mock: MockCodex;
let backup: MockOpenAI;
let t: TestGateway;
let home: string;
const clock = movableClock();
const updates: Array<{ account: string; windows: QuotaWindow[] }> = [];

const ask = (model: string, content: string) =>
  t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sy-oauth-home-'));
  mock = await startMockCodex();
  backup = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  cx: { base_url: "${mock.baseUrl}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-12345678], allow_private_network: true }
combos:
  ladder: { models: [cx/gpt-5.1-codex, backup/gpt-4o] }
`, { now: clock.now, env: { ...process.env, HOME: home } });
  t.gw.bus.on('quota:windows-updated', (e) => {
    updates.push({ account: e.account, windows: e.windows });
  });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('quota windows and routing', () => {
  test('import ~/.codex/auth.json (HOME-relative default path)', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string; id_token: string };
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex', 'auth.json'), JSON.stringify({
      OPENAI_API_KEY: null,
      tokens: { id_token: pair.id_token, access_token: pair.access_token, refresh_token: pair.refresh_token, account_id: MOCK_CHATGPT_ACCOUNT },
      last_refresh: new Date().toISOString(),
    }));
    const r = await admin(t, 'POST', '/api/oauth/import/cx', {});
    expect(r).toEqual({ status: 200, json: { accountId: 'pro@example.test' } });
    await waitForAccounts(t, 'cx', 1);
  });

  test('each answer reports the windows; a used-up window makes the account skipped until it resets', async () => {
    expect((await ask('ladder', 'one')).status).toBe(200);
    expect(mock.calls.at(-1)!.status).toBe(200);
    expect(updates.at(-1)).toMatchObject({ account: 'pro@example.test', windows: [{ name: '5h', usedPercent: 12.5 }, { name: '7d', usedPercent: 30 }] });

    // The plan runs out: the backend answers 429 with the windows at 100 %; the request falls back.
    Object.assign(mock.rateLimitHeaders, { 'x-codex-primary-used-percent': '100', 'x-codex-primary-reset-after-seconds': '1800' });
    const backupBefore = backup.requests.length;
    const r = await ask('ladder', 'two');
    expect(r.status).toBe(200);
    expect(mock.calls.at(-1)!.status).toBe(429);
    expect(backup.requests.length).toBe(backupBefore + 1);
    expect(updates.at(-1)!.windows[0]).toMatchObject({ name: '5h', usedPercent: 100 });

    // Now the guard skips it without calling the backend.
    const sent = mock.calls.length;
    const skipped = await ask('ladder', 'three');
    expect(skipped.status).toBe(200);
    expect(((await skipped.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe('three');
    expect(mock.calls.length).toBe(sent);
    expect(backup.requests.length).toBe(backupBefore + 2);
  });

  test('as the only target the exhausted account is still called: the client sees the 429', async () => {
    const sent = mock.calls.length;
    const r = await ask('cx/gpt-5.1-codex', 'four');
    expect(r.status).toBe(429);
    expect(mock.calls.length).toBe(sent + 1);
  });

  test('after the reset time the account serves again', async () => {
    Object.assign(mock.rateLimitHeaders, { 'x-codex-primary-used-percent': '3', 'x-codex-primary-reset-after-seconds': '18000' });
    t.gw.bus.flush(); // events of the requests so far, stamped before the clock moves
    clock.advance(1801_000);
    const sent = mock.calls.length;
    const r = await ask('ladder', 'five');
    expect(r.status).toBe(200);
    expect(mock.calls.length).toBe(sent + 1);
    expect(mock.calls.at(-1)!.status).toBe(200);
    const acc = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ windows: QuotaWindow[] }>;
    expect(acc[0].windows[0].usedPercent).toBe(3);
  });
});
