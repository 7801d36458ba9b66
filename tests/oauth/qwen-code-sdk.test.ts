/**
 * The `qwen-code` provider end to end: the device login bound to a PKCE pair, the API host taken
 * from the token answer, every client dialect through the official SDKs, and a refresh that
 * keeps the host.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockQwen, type MockQwen } from '../helpers/mock-oauth-qwen.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, movableClock, waitForAccounts, waitForFlow } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';
import { qwenBaseUrl } from '../../plugins/provider/qwen-code/qwen-code-adapter.ts';

let mock: MockQwen;
let t: TestGateway;
const clock = movableClock();

beforeAll(async () => {
  mock = await startMockQwen();
  // The configured base is a dead port: only the host named by the token answer can serve.
  t = await startTestGateway(`
providers:
  qw: { base_url: "${mock.url}/dead", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
});

describe('Qwen device login with PKCE', () => {
  test('approve → connected; the poll proved the PKCE verifier', async () => {
    const start = await admin(t, 'POST', '/api/oauth/qw/start', {});
    const { flowId, userCode } = start.json as { flowId: string; userCode: string };
    expect(start.json.kind).toBe('device');
    mock.oauth.device(userCode, 'approve');
    const flow = await waitForFlow(t, 'qw', flowId);
    expect(flow.status).toBe('complete');
    expect(flow.accountId).toMatch(/^acct-[0-9a-f]{10}$/);
    await waitForAccounts(t, 'qw', 1);
  });
});

describe('Qwen through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.chats.length;
      const r = await via(t, 'qw/qwen3-coder-plus', `qwen ${name}`);
      expect([r.text, r.streamed]).toEqual([`qwen ${name}`, `qwen ${name} streamed`]);
      expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([200, 200]);
      expect(mock.chats.at(-1)!.headers.get('authorization')).toMatch(/^Bearer canary-qw-at-/);
    });
  }

  test('after a refresh the API host from the new answer is still used', async () => {
    clock.advance(3600_000);
    const calls = mock.oauth.refreshCalls;
    const r = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'qw/qwen3-coder-plus', messages: [{ role: 'user', content: 'x' }] } });
    expect(r.status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
  });

  test('resource_url is trusted only for qwen.ai / aliyuncs.com over https or the configured origin', () => {
    expect(qwenBaseUrl('https://portal.qwen.ai/v1', 'portal.qwen.ai')).toBe('https://portal.qwen.ai/v1');
    expect(qwenBaseUrl('', 'dashscope.aliyuncs.com/compatible-mode')).toBe('https://dashscope.aliyuncs.com/compatible-mode/v1');
    expect(qwenBaseUrl('https://portal.qwen.ai/v1', 'evil.example')).toBe('https://portal.qwen.ai/v1');
    expect(qwenBaseUrl('https://portal.qwen.ai/v1', 'http://portal.qwen.ai')).toBe('https://portal.qwen.ai/v1');
  });
});
