/**
 * The `copilot` provider end to end: GitHub device login through the admin API, the Copilot
 * token exchange (renewed before the short-lived token expires, once for many requests), every
 * client dialect through the official SDKs, and the monthly quota snapshot.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockCopilot, type MockCopilot } from '../helpers/mock-oauth-copilot.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts } from './oauth-kit.ts';
import { DIALECTS, viaOpenAIChat } from './sdk-kit.ts';

let mock: MockCopilot;
let t: TestGateway;
const clock = movableClock();

beforeAll(async () => {
  mock = await startMockCopilot({ now: clock.now });
  t = await startTestGateway(`
providers:
  gh: { base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('GitHub device login', () => {
  test('start shows the user code; the poll waits while pending and connects once approved', async () => {
    const start = await admin(t, 'POST', '/api/oauth/gh/start', {});
    expect(start.status).toBe(200);
    const { flowId: flow, userCode } = start.json as { flowId: string; userCode: string };
    expect(userCode).toMatch(/^WDJB-/);
    expect(start.json).toMatchObject({ kind: 'device', verificationUri: 'https://example.test/device', intervalSec: 1 });
    const status = async () => ((await admin(t, 'GET', `/api/oauth/gh/status?flow=${flow}`)).json.flows as Array<{ status: string; accountId?: string }>)[0];
    await Bun.sleep(1300);
    expect(mock.github.devicePolls).toBeGreaterThanOrEqual(1);
    expect((await status()).status).toBe('pending');
    mock.github.device(userCode, 'approve');
    const until = Date.now() + 5000;
    while ((await status()).status === 'pending' && Date.now() < until) await Bun.sleep(50);
    expect(await status()).toMatchObject({ status: 'complete', accountId: 'octocat' });
    expect(mock.exchanges).toBe(1);
    await waitForAccounts(t, 'gh', 1);
  });

  test('a denied login ends the flow with access_denied', async () => {
    const start = await admin(t, 'POST', '/api/oauth/gh/start', { flow: 'device' });
    mock.github.device(start.json.userCode as string, 'deny');
    const until = Date.now() + 5000;
    let flows: Array<{ status: string; error?: string }> = [];
    while (Date.now() < until) {
      flows = (await admin(t, 'GET', `/api/oauth/gh/status?flow=${start.json.flowId}`)).json.flows as typeof flows;
      if (flows[0]?.status !== 'pending') break;
      await Bun.sleep(50);
    }
    expect(flows[0]).toMatchObject({ status: 'error', error: expect.stringContaining('access_denied') });
  });
});

describe('cancelling a login', () => {
  test('a cancelled device login stops polling and never connects, even when approved later', async () => {
    const accounts = t.gw.host.current.providers.get('gh')?.accounts.length ?? 0;
    const start = await admin(t, 'POST', '/api/oauth/gh/start', { flow: 'device' });
    const { flowId, userCode } = start.json as { flowId: string; userCode: string };
    expect(await admin(t, 'DELETE', `/api/oauth/gh/flows/${flowId}`)).toEqual({ status: 200, json: { cancelled: true } });
    const flows = (await admin(t, 'GET', `/api/oauth/gh/status?flow=${flowId}`)).json.flows as Array<{ status: string; error?: string }>;
    expect(flows[0]).toMatchObject({ status: 'error', error: 'the login was cancelled' });
    const polls = mock.github.devicePolls;
    mock.github.device(userCode, 'approve');
    await Bun.sleep(1500);
    expect(mock.github.devicePolls).toBe(polls);
    expect(t.gw.host.current.providers.get('gh')?.accounts.length ?? 0).toBe(accounts);
    // Nothing left to cancel: a second cancel, another provider's name or an unknown id is a 404.
    expect((await admin(t, 'DELETE', `/api/oauth/gh/flows/${flowId}`)).status).toBe(404);
    expect((await admin(t, 'DELETE', '/api/oauth/gh/flows/nope')).status).toBe(404);
  });
});

describe('Copilot through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.chats.length;
      const r = await via(t, 'gh/gpt-4.1', `copilot ${name}`);
      expect(r.text).toBe(`copilot ${name}`);
      expect(r.streamed).toBe(`copilot ${name} streamed`);
      const calls = mock.chats.slice(sent);
      expect(calls.map((c) => c.status)).toEqual([200, 200]);
      for (const c of calls) {
        expect(c.headers.get('authorization')).toMatch(/^Bearer tid=canary-cop-/);
        expect(c.headers.get('copilot-integration-id')).toBe('vscode-chat');
        expect(c.headers.get('editor-version')).toMatch(/^vscode\//);
        expect(c.body.model).toBe('gpt-4.1');
      }
    });
  }

  test('the short-lived Copilot token is exchanged again before it expires, once for 20 concurrent requests', async () => {
    const before = mock.exchanges;
    clock.advance(1800_000 - 60_000); // one minute left: inside the refresh margin
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'gh/gpt-4.1', messages: [{ role: 'user', content: `c${i}` }] } })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(mock.exchanges).toBe(before + 1);
    expect(new Set(mock.chats.slice(-20).map((c) => c.headers.get('authorization'))).size).toBe(1);
  });

  test('the quota snapshot is listed; premium requests are advisory (they never block the account)', async () => {
    const r = await admin(t, 'GET', '/api/accounts?refresh=1');
    const acc = (r.json.accounts as Array<{ accountId: string; windows: unknown[] }>).find((a) => a.accountId === 'octocat')!;
    expect(acc.windows).toEqual([{ name: 'premium', usedPercent: 60, resetsAt: Date.parse('2030-02-01'), advisory: true }]);
  });

  test('a revoked GitHub token marks the account needs-reauth', async () => {
    mock.github.invalidate();
    clock.advance(3600_000);
    const r = await viaOpenAIChat(t, 'gh/gpt-4.1', 'x').catch((e: { status?: number }) => e);
    expect((r as { status?: number }).status).toBe(502);
    const acc = (await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ state: string }>;
    expect(acc[0].state).toBe('needs-reauth');
  });
});
