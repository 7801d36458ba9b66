/**
 * Plan windows of subscription accounts (Codex `x-codex-*`, Claude `anthropic-ratelimit-unified-*`
 * and its usage endpoint) as a user with several accounts meets them: when every account is used
 * up the client's 429 says when to come back (Retry-After, in each dialect); the windows a
 * Messages answer reports do not wipe the ones the usage endpoint knows; and a reset time the
 * upstream garbles cannot park an account for longer than its own window.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuotaWindow } from '../../core/oauth/oauth-types.ts';
import { fakeJwt, MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from '../oauth/oauth-kit.ts';

let codex: MockCodex;
let claude: MockClaude;
let t: TestGateway;
let dir: string;
const clock = movableClock();
const FRESH_CODEX_HEADERS: Record<string, string> = {};

async function importCodex(email: string): Promise<void> {
  const pair = codex.oauth.issue() as { access_token: string; refresh_token: string };
  const idToken = fakeJwt({ email, 'https://api.openai.com/auth': { chatgpt_account_id: MOCK_CHATGPT_ACCOUNT, chatgpt_plan_type: 'plus' } });
  const file = join(dir, `codex-${email}.json`);
  writeFileSync(file, JSON.stringify({ tokens: { id_token: idToken, access_token: pair.access_token, refresh_token: pair.refresh_token, account_id: MOCK_CHATGPT_ACCOUNT } }));
  expect((await admin(t, 'POST', '/api/oauth/import/cx', { path: file })).status).toBe(200);
}

async function importClaude(): Promise<void> {
  const pair = claude.oauth.issue() as { access_token: string; refresh_token: string };
  const file = join(dir, 'claude.json');
  writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + 3600_000 } }));
  expect((await admin(t, 'POST', '/api/oauth/import/cc', { path: file })).status).toBe(200);
  await waitForAccounts(t, 'cc', 1);
}

const windowsOf = async (provider: string) => {
  const all = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ provider: string; accountId: string; windows: QuotaWindow[] }>;
  return all.filter((a) => a.provider === provider);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-hunt-limits-'));
  codex = await startMockCodex();
  Object.assign(FRESH_CODEX_HEADERS, codex.rateLimitHeaders);
  claude = await startMockClaude();
  claude.usage.seven_day_opus = { utilization: 55, resets_at: new Date(Date.now() + 4 * 86400_000).toISOString() };
  t = await startTestGateway(`
providers:
  cx: { base_url: "${codex.baseUrl}", allow_private_network: true, oauth: ${codex.oauthYaml()} }
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
`, { now: clock.now });
  await importCodex('a@example.test');
  await importCodex('b@example.test');
  await waitForAccounts(t, 'cx', 2);
});
afterAll(async () => {
  await t.stop();
  await codex.stop();
  await claude.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('every account of the plan used up', () => {
  test('Codex: the client gets 429 with the Retry-After of the window, in every dialect', async () => {
    Object.assign(codex.rateLimitHeaders, { 'x-codex-primary-used-percent': '100', 'x-codex-primary-reset-after-seconds': '1800' });
    const chat = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cx/gpt-5', messages: [{ role: 'user', content: 'x' }] } });
    expect(chat.status).toBe(429);
    expect(Number(chat.headers.get('retry-after'))).toBeWithin(1795, 1801);

    const responses = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'cx/gpt-5', input: 'x' } });
    expect(responses.status).toBe(429);
    expect(Number(responses.headers.get('retry-after'))).toBeWithin(1795, 1801);

    const messages = await t.fetch('/v1/messages', { method: 'POST', json: { model: 'cx/gpt-5', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] } });
    expect(messages.status).toBe(429);
    expect(Number(messages.headers.get('retry-after'))).toBeWithin(1795, 1801);
    Object.assign(codex.rateLimitHeaders, FRESH_CODEX_HEADERS);
  });

  test('Claude: a 429 with the unified 5 h window at 100 % gives its reset as Retry-After', async () => {
    await importClaude();
    const reset = Math.floor(clock.now() / 1000) + 2400;
    claude.intercept = () => Response.json({ type: 'error', error: { type: 'rate_limit_error', message: "This request would exceed your account's rate limit. Please try again later." } }, {
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': String(reset),
        'anthropic-ratelimit-unified-5h-utilization': '1.0', 'anthropic-ratelimit-unified-5h-reset': String(reset),
        'anthropic-ratelimit-unified-7d-utilization': '0.4', 'anthropic-ratelimit-unified-7d-reset': String(reset + 86400),
      },
    });
    try {
      const res = await t.fetch('/v1/messages', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeWithin(2395, 2401);
      const chat = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] } });
      expect(chat.status).toBe(429);
      expect(Number(chat.headers.get('retry-after'))).toBeWithin(2395, 2401);
    } finally {
      claude.intercept = undefined;
    }
  });
});

describe('windows from two sources', () => {
  test("a Messages answer's unified headers update 5h and 7d; the usage endpoint's Opus week stays", async () => {
    await admin(t, 'GET', '/api/accounts?refresh=1');
    expect((await windowsOf('cc'))[0]!.windows.map((w) => w.name).sort()).toEqual(['5h', '7d', '7d-opus']);
    const reset = Math.floor(clock.now() / 1000) + 3600;
    Object.assign(claude.rateLimitHeaders, {
      'anthropic-ratelimit-unified-5h-utilization': '0.2', 'anthropic-ratelimit-unified-5h-reset': String(reset),
      'anthropic-ratelimit-unified-7d-utilization': '0.5', 'anthropic-ratelimit-unified-7d-reset': String(reset + 86400),
    });
    const res = await t.fetch('/v1/messages', { method: 'POST', json: { model: 'cc/claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(200);
    const w = Object.fromEntries((await windowsOf('cc'))[0]!.windows.map((x) => [x.name, x]));
    expect(Object.keys(w).sort()).toEqual(['5h', '7d', '7d-opus']);
    expect(w['5h']!.usedPercent).toBeCloseTo(20);
    expect(w['7d']!.usedPercent).toBeCloseTo(50);
    expect(w['7d-opus']).toMatchObject({ usedPercent: 55, advisory: true });
  });
});

describe('garbled reset times', () => {
  test('a reset beyond the window length (epoch ms sent as seconds) does not park the account; the upstream judges', async () => {
    // The 5-hour window is used up and its reset comes in milliseconds: read as seconds it lies
    // ~55,000 years ahead. Codex reports windows only in answers, so a skipped account never
    // hears better: believed, it would be skipped for good (across restarts: windows are stored).
    t.gw.bus.flush();
    clock.advance(1801_000); // the windows of the first test have reset
    Object.assign(codex.rateLimitHeaders, {
      'x-codex-primary-used-percent': '100', 'x-codex-primary-window-minutes': '300', 'x-codex-primary-reset-after-seconds': '',
      'x-codex-primary-reset-at': String(clock.now() + 3600_000),
    });
    const skips: string[] = [];
    t.gw.bus.on('attempt:failed', (e) => {
      if (e.code === 'GW_QUOTA_EXHAUSTED') skips.push(String(e.account));
    });
    const ask = () => t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'cx/gpt-5', messages: [{ role: 'user', content: 'x' }] } });
    const limited = await ask();
    expect(limited.status).toBe(429);
    // The wait the body states (resets_in_seconds), not 55,000 years.
    expect(Number(limited.headers.get('retry-after'))).toBeWithin(3595, 3601);
    Object.assign(codex.rateLimitHeaders, FRESH_CODEX_HEADERS, { 'x-codex-primary-reset-at': '' });
    const sent = codex.calls.length;
    const r = await ask();
    expect(r.status).toBe(200);
    await t.settled();
    expect(skips).toEqual([]);
    expect(codex.calls.length).toBe(sent + 1);
  });
});
