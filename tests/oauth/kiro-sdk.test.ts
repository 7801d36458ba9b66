/**
 * The `kiro` provider end to end against a fake Kiro: the AWS SSO-OIDC device login (client
 * registration, device authorization, CreateToken), every client dialect through the official
 * SDKs over the `conversationState` envelope and the binary event stream, tool calls both ways,
 * 403 → refresh → retry, a corrupted frame before any content falling back to the next target,
 * credential-file imports (social and Identity Center), credit windows, a revoked refresh
 * token → needs-reauth → fallback, and a canary scan of the data dir.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { MOCK_KR_ARN, MOCK_KR_EMAIL, startMockKiro, type MockKiro } from '../helpers/mock-oauth-kiro.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, movableClock, waitForAccounts, waitForFlow } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockKiro;
let backup: MockOpenAI;
let t: TestGateway;
let dir: string;
const clock = movableClock();
const bodies: string[] = [];

type Json = Record<string, any>;
const current = (b: Json) => b.conversationState.currentMessage.userInputMessage as Json;
/** The assistant text of an OpenAI SSE answer. */
const deltas = (sse: string) => sse.split('\n').filter((l) => l.startsWith('data: {"id"'))
  .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '').join('');
const chat = async (model: string, content: string, stream = false) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content }] } });
  bodies.push(await res.clone().text());
  return res;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-kr-'));
  mock = await startMockKiro();
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-1234' });
  const kr = (extra = '') => `{ base_url: "${mock.url}", allow_private_network: true, oauth: ${mock.oauthYaml()}${extra} }`;
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  kr: ${kr()}
  kr-social: ${kr(', preset: kr')}
  kr-idc: ${kr(', preset: kr')}
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-1234], allow_private_network: true, models: [claude-sonnet-4-5] }
combos:
  ladder: { models: [kr/claude-sonnet-4-5, backup/claude-sonnet-4-5] }
  social-ladder: { models: [kr-social/claude-sonnet-4-5, backup/claude-sonnet-4-5] }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('AWS SSO-OIDC device login', () => {
  test('registers a client, shows the user code, and stores the approved account', async () => {
    const start = await admin(t, 'POST', '/api/oauth/kr/start', {});
    expect(start.json).toMatchObject({ kind: 'device', verificationUri: 'https://device.sso.example.test/', intervalSec: 1 });
    expect(mock.registrations).toEqual([expect.objectContaining({ clientName: 'Kiro IDE', clientType: 'public', grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] })]);
    expect(mock.deviceStarts[0]).toMatchObject({ clientId: 'mock-kr-client-1', startUrl: 'https://view.awsapps.com/start' });
    mock.approve(start.json.userCode as string);
    const flow = await waitForFlow(t, 'kr', start.json.flowId);
    expect(flow).toMatchObject({ status: 'complete', accountId: MOCK_KR_EMAIL });
    await waitForAccounts(t, 'kr', 1);
  });
});

describe('Kiro through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies over the event stream`, async () => {
      const sent = mock.chats.length;
      const r = await via(t, 'kr/claude-sonnet-4-5', `kiro ${name}`);
      expect([r.text, r.streamed]).toEqual([`kiro ${name}`, `kiro ${name} streamed`]);
      const calls = mock.chats.slice(sent);
      expect(calls.map((c) => c.status)).toEqual([200, 200]);
      for (const c of calls) {
        expect(c.headers.get('authorization')).toMatch(/^Bearer canary-kr-at-/);
        expect(current(c.body)).toMatchObject({ modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' });
      }
      expect(current(calls[1]!.body).content).toBe(`kiro ${name} streamed`);
    });
  }

  test('a system prompt becomes the first history pair', async () => {
    const sent = mock.chats.length;
    await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'kr/claude-sonnet-4-5', messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hi' }] } });
    const history = (mock.chats[sent]!.body as Json).conversationState.history as Json[];
    expect(history[0]!.userInputMessage.content).toBe('Be terse.');
    expect(history[1]).toHaveProperty('assistantResponseMessage');
  });

  test('tool calls: the streamed toolUseEvents reach an OpenAI client as one call; its result goes back as toolResults', async () => {
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'what is the weather in Paris?' }];
    const r = await client.chat.completions.create({ model: 'kr/claude-sonnet-4-5', messages, tools });
    const call = r.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect([r.choices[0]!.finish_reason, call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual(['tool_calls', 'tooluse_mock_1', 'get_weather', { city: 'Paris' }]);
    const spec = current(mock.chats.at(-1)!.body).userInputMessageContext.tools[0].toolSpecification;
    expect(spec).toMatchObject({ name: 'get_weather', description: 'Weather by city', inputSchema: { json: tools[0]!.function.parameters } });

    let args = '';
    const s = await client.chat.completions.create({ model: 'kr/claude-sonnet-4-5', messages, tools, stream: true });
    for await (const c of s) args += c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });

    const next = await client.chat.completions.create({
      model: 'kr/claude-sonnet-4-5', tools,
      messages: [...messages, r.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' }],
    });
    expect(next.choices[0]!.message.content).toBe('tool said: sunny, 21 C');
    const sentBody = mock.chats.at(-1)!.body as Json;
    expect(current(sentBody).userInputMessageContext.toolResults).toEqual([{ toolUseId: 'tooluse_mock_1', status: 'success', content: [{ text: 'sunny, 21 C' }] }]);
    expect(sentBody.conversationState.history.at(-1).assistantResponseMessage.toolUses).toEqual([{ toolUseId: 'tooluse_mock_1', name: 'get_weather', input: { city: 'Paris' } }]);
  });
});

describe('failures', () => {
  test('403 AccessDeniedException (expired bearer) → one refresh with the registered client → retry', async () => {
    const calls = mock.oauth.refreshCalls;
    const sent = mock.chats.length;
    mock.oauth.invalidate();
    const res = await chat('kr/claude-sonnet-4-5', 'after 403', true);
    expect(res.status).toBe(200);
    expect(deltas(await res.text())).toBe('after 403');
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([403, 200]);
  });

  test('401 gets the same single refresh and retry', async () => {
    const calls = mock.oauth.refreshCalls;
    const sent = mock.chats.length;
    mock.expiredStatus = 401;
    mock.oauth.invalidate();
    const res = await chat('kr/claude-sonnet-4-5', 'after 401');
    mock.expiredStatus = 403;
    expect(res.status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([401, 200]);
  });

  test('a token refused again after the refresh is not retried twice: the client gets a 502', async () => {
    const sent = mock.chats.length;
    mock.oauth.invalidate();
    mock.oauth.nextTtlSec = -1; // the refreshed token is dead on arrival too
    const res = await chat('kr/claude-sonnet-4-5', 'dead twice');
    mock.oauth.nextTtlSec = undefined;
    expect(res.status).toBe(502);
    expect(mock.chats.slice(sent).map((c) => c.status)).toEqual([403, 403]);
    mock.oauth.invalidate();
    expect((await chat('kr/claude-sonnet-4-5', 'healed')).status).toBe(200);
  });

  for (const fault of ['corrupt', 'exception', 'truncate'] as const) {
    test(`a ${fault} event stream fails the attempt before any content: the next target serves`, async () => {
      const before = backup.requests.length;
      mock.fault = fault;
      const res = await chat('ladder', `fault ${fault}`, true);
      mock.fault = undefined;
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(deltas(text)).toBe(`fault ${fault}`);
      expect(text).toContain('[DONE]');
      expect(backup.requests.length).toBe(before + 1);
    });
  }

  test('a frame corrupted after the content: one error event, no [DONE], no switch of provider', async () => {
    const before = backup.requests.length;
    mock.fault = 'corrupt-late';
    const res = await chat('ladder', 'late fault', true);
    mock.fault = undefined;
    const text = await res.text();
    expect(deltas(text)).toBe('late fault');
    expect(text).toContain('GW_UPSTREAM_PROTOCOL');
    expect(text).not.toContain('[DONE]');
    expect(backup.requests.length).toBe(before);
  });

  test('without a fallback, a corrupted stream is a retryable protocol error for the client', async () => {
    mock.fault = 'corrupt';
    const res = await chat('kr/claude-sonnet-4-5', 'no fallback');
    mock.fault = undefined;
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('broken stream');
  });
});

describe('credential import and windows', () => {
  test('a social kiro-auth-token.json: expired access token → Kiro auth service refresh → profile ARN in the body', async () => {
    const pair = mock.issueSocial();
    const calls = mock.oauth.refreshCalls;
    const file = join(dir, 'kiro-auth-token.json');
    writeFileSync(file, JSON.stringify({ ...pair, expiresAt: new Date(clock.now() - 60_000).toISOString(), authMethod: 'social', provider: 'Google' }));
    expect((await admin(t, 'POST', '/api/oauth/import/kr-social', { path: file })).status).toBe(200);
    await waitForAccounts(t, 'kr-social', 1);
    expect((await chat('kr-social/claude-haiku-4.5', 'social')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1); // once, before the call (the usage fetch after the import may have done it)
    expect(mock.chats.at(-1)!.headers.get('authorization')).not.toBe(`Bearer ${pair.accessToken}`);
    expect(mock.chats.at(-1)!.body.profileArn).toBe(MOCK_KR_ARN);
    expect(current(mock.chats.at(-1)!.body).modelId).toBe('claude-haiku-4.5');
  });

  test('an Identity Center file: the client registration is read from <clientIdHash>.json beside it', async () => {
    const reg = await (await fetch(`${mock.url}/client/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as Json;
    writeFileSync(join(dir, 'abc123.json'), JSON.stringify({ clientId: reg.clientId, clientSecret: reg.clientSecret, expiresAt: '2099-01-01T00:00:00Z' }));
    const t0 = mock.oauth.issue() as Json;
    const calls = mock.oauth.refreshCalls;
    const file = join(dir, 'kiro-idc.json');
    writeFileSync(file, JSON.stringify({ accessToken: t0.access_token, refreshToken: t0.refresh_token, expiresAt: new Date(clock.now() + 60_000).toISOString(), authMethod: 'IdC', provider: 'Enterprise', clientIdHash: 'abc123', region: 'us-east-1' }));
    expect((await admin(t, 'POST', '/api/oauth/import/kr-idc', { path: file })).status).toBe(200);
    await waitForAccounts(t, 'kr-idc', 1);
    expect((await chat('kr-idc/claude-sonnet-4.5', 'idc')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1); // expired within the 5-minute skew: refreshed with that client
  });

  test('credit windows come from getUsageLimits (plan + free trial)', async () => {
    const accounts = (await admin(t, 'GET', '/api/accounts?refresh=1')).json.accounts as Array<{ provider: string; windows: unknown[] }>;
    expect(accounts.find((a) => a.provider === 'kr')!.windows).toEqual([{ name: 'credit', usedPercent: 12.5, resetsAt: 1_900_000_000_000 }]);
  });
});

describe('revoked refresh token', () => {
  test('needs-reauth, and the request falls back to the next target', async () => {
    mock.oauth.revokeRefresh();
    mock.oauth.invalidate();
    clock.advance(2 * 3600_000);
    const before = backup.requests.length;
    const res = await chat('social-ladder', 'fall back');
    expect(res.status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    const acc = ((await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ provider: string; state: string }>).find((a) => a.provider === 'kr-social');
    expect(acc?.state).toBe('needs-reauth');
  });

  test('no token, client secret or refresh token in the data dir or any client answer', async () => {
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(mock.oauth.issued().length).toBeGreaterThan(6);
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
    expect(t.gw.oauth.repo.readSecret('kr', MOCK_KR_EMAIL)).toContain('canary-kr-cs-');
  });
});
