/**
 * The `claude-code` provider end to end: every client dialect, through the official SDKs, gets
 * correct replies from a Claude subscription account (mock Anthropic treating OAuth tokens as
 * the real one does: beta flag and Claude Code system prompt required). Also the usage windows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, followAuthorize, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

const CC_PROMPT = "You are Claude Code, Anthropic's official CLI for Claude.";
let mock: MockClaude;
let t: TestGateway;

beforeAll(async () => {
  mock = await startMockClaude();
  t = await startTestGateway(`
providers:
  cc: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`);
  const start = await admin(t, 'POST', '/api/oauth/cc/start', {});
  const back = await followAuthorize(start.json.authUrl as string);
  expect((await admin(t, 'POST', '/api/oauth/cc/complete', { url: back.toString() })).status).toBe(200);
  await waitForAccounts(t, 'cc', 1);
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('Claude Code subscription through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.messages.length;
      const r = await via(t, 'cc/claude-sonnet-4-5', `hello from ${name}`);
      expect(r.text).toBe(`hello from ${name}`);
      expect(r.streamed).toBe(`hello from ${name} streamed`);
      const calls = mock.messages.slice(sent);
      expect(calls.map((c) => c.status)).toEqual([200, 200]);
      for (const c of calls) {
        expect(c.headers.get('authorization')).toMatch(/^Bearer canary-cc-at-/);
        expect(c.headers.get('x-api-key')).toBeNull();
        expect(c.headers.get('anthropic-beta')!.split(',')).toEqual(expect.arrayContaining(['oauth-2025-04-20', 'claude-code-20250219']));
        expect(c.headers.get('x-app')).toBe('cli');
        const sys = c.body.system as Array<{ text: string }>;
        expect(sys[0].text).toBe(CC_PROMPT);
        expect(c.body.model).toBe('claude-sonnet-4-5');
      }
    });
  }

  test('an Anthropic client takes the passthrough lane: its own system prompt stays, after the Claude Code block', async () => {
    const res = await t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'oauth-2025-04-20' },
      json: { model: 'cc/claude-sonnet-4-5', max_tokens: 64, system: 'You are terse.', messages: [{ role: 'user', content: 'raw body' }], metadata: { user_id: 'u-1' } },
    });
    expect(res.status).toBe(200);
    const seen = mock.messages.at(-1)!;
    expect(seen.body.system).toEqual([{ type: 'text', text: CC_PROMPT }, { type: 'text', text: 'You are terse.' }]);
    expect(seen.body.metadata).toEqual({ user_id: 'u-1' });
    // The flag the client sent is not doubled.
    expect(seen.headers.get('anthropic-beta')!.split(',').filter((f) => f === 'oauth-2025-04-20')).toHaveLength(1);
  });

  test("Anthropic server tools (Claude Code's web search) reach the subscription: it speaks the Messages format", async () => {
    const res = await t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
      json: {
        model: 'cc/claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'search the news' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
      },
    });
    expect(res.status).toBe(200);
    expect(mock.messages.at(-1)!.body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }]);
  });

  test('usage windows (5 h, 7 d) are fetched from the OAuth usage endpoint and listed', async () => {
    mock.usage = {
      five_hour: { utilization: 55, resets_at: '2030-01-01T05:00:00+00:00' },
      seven_day: { utilization: 81.5, resets_at: '2030-01-05T00:00:00+00:00' },
      seven_day_opus: { utilization: 3, resets_at: null },
    };
    const r = await admin(t, 'GET', '/api/accounts?refresh=1');
    const acc = (r.json.accounts as Array<{ windows: unknown[]; windowsAt: number }>)[0];
    expect(acc.windows).toEqual([
      { name: '5h', usedPercent: 55, windowMinutes: 300, resetsAt: Date.parse('2030-01-01T05:00:00Z') },
      { name: '7d', usedPercent: 81.5, windowMinutes: 10_080, resetsAt: Date.parse('2030-01-05T00:00:00Z') },
      { name: '7d-opus', usedPercent: 3, windowMinutes: 10_080, advisory: true },
    ]);
    expect(acc.windowsAt).toBeGreaterThan(0);
  });
});
