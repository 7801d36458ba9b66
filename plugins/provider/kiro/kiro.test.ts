import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntilApproved } from '../../../core/oauth/device-code-flow.ts';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, StreamPart } from '../../../core/types/hub.ts';
import { encodeAwsEventMessage } from '../../../core/util/aws-event-stream.ts';
import { collectKiroResult } from './collect-kiro-result.ts';
import { convertToKiroRequest, toKiroModelId } from './convert-to-kiro-request.ts';
import { createKiroStreamParser } from './create-kiro-stream-parser.ts';
import { kiroOAuth } from './kiro-oauth.ts';
import { oidcUrlForRegion } from './kiro-sso-oidc.ts';
import { mapKiroUsage } from './map-kiro-usage.ts';
import { parseKiroCredentials } from './parse-kiro-credentials.ts';

const ev = (type: string, payload: unknown) =>
  encodeAwsEventMessage({ ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' }, JSON.stringify(payload));
const joined = (frames: Uint8Array[]) => Buffer.concat(frames);
const kinds = (parts: StreamPart[]) => parts.map((p) => p.type);

describe('Kiro request envelope', () => {
  const req = (messages: ChatRequest['messages'], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'x', stream: true, messages, ...extra });

  test('model ids: dashed Claude names map to Kiro dotted ones, others pass', () => {
    expect(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5', 'claude-sonnet-4-20250514', 'auto', 'CLAUDE_SONNET_4_5_20250929_V1_0'].map(toKiroModelId))
      .toEqual(['claude-sonnet-4.5', 'claude-sonnet-4.5', 'claude-opus-4.5', 'claude-sonnet-4', 'auto', 'CLAUDE_SONNET_4_5_20250929_V1_0']);
  });

  test('system as a first history pair, merged same-role turns, alternating history, current message last', () => {
    const body = convertToKiroRequest(req([
      { role: 'system', content: [{ type: 'text', text: 'Rules.' }] },
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
      { role: 'user', content: [{ type: 'text', text: 'd' }, { type: 'image', data: 'iVBOR', mediaType: 'image/png' }] },
    ], { maxTokens: 100, temperature: 0.2 }), 'claude-sonnet-4-5');
    const h = body.conversationState.history!;
    expect(h.map((e) => ('userInputMessage' in e ? `u:${e.userInputMessage.content}` : `a:${e.assistantResponseMessage.content}`)))
      .toEqual(['u:Rules.', expect.stringMatching(/^a:/), 'u:ab', 'a:c']);
    expect(body.conversationState.currentMessage.userInputMessage).toEqual({
      content: 'd', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR', images: [{ format: 'png', source: { bytes: 'iVBOR' } }],
    });
    expect(body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.2 });
    expect(body.conversationState.chatTriggerType).toBe('MANUAL');
  });

  test('tool calls go to history as toolUses, results to the current message, tools only there', () => {
    const body = convertToKiroRequest(req([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'get', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'rain' }], isError: true }] },
    ], { tools: [{ name: 'get', parameters: { type: 'object' } }] }), 'auto');
    expect(body.conversationState.history!.at(-1)).toEqual({ assistantResponseMessage: { content: '', toolUses: [{ toolUseId: 't1', name: 'get', input: { city: 'Oslo' } }] } });
    const cur = body.conversationState.currentMessage.userInputMessage;
    expect(cur.content).toBe('Tool results provided.');
    expect(cur.userInputMessageContext).toEqual({
      toolResults: [{ toolUseId: 't1', status: 'error', content: [{ text: 'rain' }] }],
      tools: [{ toolSpecification: { name: 'get', description: 'Tool get', inputSchema: { json: { type: 'object' } } } }],
    });
    expect(convertToKiroRequest(req([{ role: 'user', content: [{ type: 'text', text: 'x' }] }], { tools: [{ name: 'get', parameters: {} }], toolChoice: 'none' }), 'auto')
      .conversationState.currentMessage.userInputMessage.userInputMessageContext).toBeUndefined();
  });

  test('an assistant prefill at the end is followed by a Continue turn', () => {
    const body = convertToKiroRequest(req([{ role: 'user', content: [{ type: 'text', text: 'q' }] }, { role: 'assistant', content: [{ type: 'text', text: 'A:' }] }]), 'auto');
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Continue.');
    expect(body.conversationState.history).toHaveLength(2);
  });
});

describe('Kiro stream parser', () => {
  const answer = joined([
    ev('assistantResponseEvent', { content: 'Let me ' }), ev('assistantResponseEvent', { content: 'check.' }),
    ev('toolUseEvent', { toolUseId: 'a', name: 'get' }), ev('toolUseEvent', { toolUseId: 'a', name: 'get', input: '{"q":' }),
    ev('toolUseEvent', { toolUseId: 'a', name: 'get', input: '1}' }), ev('toolUseEvent', { toolUseId: 'a', name: 'get', stop: true }),
    ev('meteringEvent', { unit: 'credit', usage: 0.1 }), ev('contextUsageEvent', { contextUsagePercentage: 2 }),
  ]);

  test('text and a streamed tool call, whatever the chunking; finish is tool-calls', () => {
    for (const size of [1, 7, 64, answer.length]) {
      const p = createKiroStreamParser('m');
      const parts: StreamPart[] = [];
      for (let i = 0; i < answer.length; i += size) parts.push(...p.push(answer.subarray(i, i + size)));
      parts.push(...p.end());
      expect(kinds(parts)).toEqual(['start', 'text-delta', 'text-delta', 'tool-call-start', 'tool-call-delta', 'tool-call-delta', 'tool-call-end', 'finish']);
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    }
  });

  test('a folded result joins text and arguments', async () => {
    const p = createKiroStreamParser('m');
    const parts = [...p.push(answer), ...p.end()];
    const r = await collectKiroResult(new ReadableStream({ start: (c) => { for (const x of parts) c.enqueue(x); c.close(); } }), 'm');
    expect(r.content).toEqual([{ type: 'text', text: 'Let me check.' }, { type: 'tool-call', id: 'a', name: 'get', arguments: '{"q":1}' }]);
    expect(r.finishReason).toBe('tool-calls');
  });

  test('a corrupted CRC is one retryable protocol error, after the parts decoded before it', () => {
    const bad = joined([ev('assistantResponseEvent', { content: 'ok' }), ev('assistantResponseEvent', { content: 'bad' })]);
    bad[bad.length - 6] ^= 0x10;
    const p = createKiroStreamParser('m');
    const parts = p.push(bad);
    expect(kinds(parts)).toEqual(['start', 'text-delta', 'error']);
    const err = (parts.at(-1) as Extract<StreamPart, { type: 'error' }>).error;
    expect([err.code, err.retryable]).toEqual(['GW_UPSTREAM_PROTOCOL', true]);
    expect(p.push(answer)).toEqual([]);
    expect(p.end()).toEqual([]);
  });

  test('exceptions, truncation, silence and an open tool call are errors', () => {
    const throttled = createKiroStreamParser('m').push(encodeAwsEventMessage({ ':message-type': 'exception', ':exception-type': 'ThrottlingException' }, '{"message":"slow down"}'));
    expect((throttled.at(-1) as Extract<StreamPart, { type: 'error' }>).error).toMatchObject({ code: 'GW_RATE_LIMITED', status: 429, retryable: true, message: 'slow down' });
    const cut = createKiroStreamParser('m');
    cut.push(answer.subarray(0, answer.length - 3));
    expect((cut.end()[0] as Extract<StreamPart, { type: 'error' }>).error.message).toMatch(/inside a message/);
    expect((createKiroStreamParser('m').end()[0] as Extract<StreamPart, { type: 'error' }>).error.message).toMatch(/no event/);
    const open = createKiroStreamParser('m');
    open.push(ev('toolUseEvent', { toolUseId: 'z', name: 'n', input: '{' }));
    expect((open.end()[0] as Extract<StreamPart, { type: 'error' }>).error.message).toMatch(/inside a tool call/);
  });
});

describe('Kiro credentials and usage', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-kiro-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a social file: tokens, ISO expiry, profile ARN', () => {
    expect(parseKiroCredentials({ accessToken: 'at', refreshToken: 'rt', expiresAt: '2030-01-01T00:00:00.000Z', authMethod: 'social', provider: 'Github', profileArn: 'arn:x' }).tokens).toEqual({
      accessToken: 'at', refreshToken: 'rt', expiresAt: Date.parse('2030-01-01T00:00:00Z'), extra: { authMethod: 'social', profileArn: 'arn:x', provider: 'Github' },
    });
  });

  test('an Identity Center file reads its client from the sibling <clientIdHash>.json, and fails readably without it', () => {
    writeFileSync(join(dir, 'h1.json'), JSON.stringify({ clientId: 'cid', clientSecret: 'csec' }));
    const file = join(dir, 'kiro-auth-token.json');
    expect(parseKiroCredentials({ accessToken: 'at', refreshToken: 'rt', authMethod: 'IdC', clientIdHash: 'h1', region: 'eu-west-1' }, file).tokens.extra)
      .toEqual({ authMethod: 'idc', region: 'eu-west-1', clientId: 'cid', clientSecret: 'csec' });
    expect(() => parseKiroCredentials({ refreshToken: 'rt', authMethod: 'IdC', clientIdHash: '../h1' }, file)).toThrow(/client registration/);
    expect(() => parseKiroCredentials({ accessToken: 'at' })).toThrow(/refreshToken/);
  });

  test('usage: plan + trial credits as one monthly window; epoch seconds become ms', () => {
    expect(mapKiroUsage({ usageBreakdownList: [{ resourceType: 'AGENTIC_REQUEST', currentUsage: 45, usageLimit: 50, nextDateReset: 1_800_000_000 }] }))
      .toEqual([{ name: 'agentic-request', usedPercent: 90, resetsAt: 1_800_000_000_000 }]);
    expect(mapKiroUsage({ usageBreakdownList: [{ resourceType: 'CREDIT', currentUsageWithPrecision: 50, usageLimitWithPrecision: 50, freeTrialInfo: { freeTrialStatus: 'EXPIRED', usageLimitWithPrecision: 500 } }] }))
      .toEqual([{ name: 'credit', usedPercent: 100 }]);
    expect(mapKiroUsage({})).toEqual([]);
  });

  test('an account region only ever rewrites an oidc.<region>.amazonaws.com host', () => {
    expect(oidcUrlForRegion('https://oidc.us-east-1.amazonaws.com/token', 'eu-central-1')).toBe('https://oidc.eu-central-1.amazonaws.com/token');
    expect(oidcUrlForRegion('https://oidc.us-east-1.amazonaws.com/token', 'evil.example.com/')).toBe('https://oidc.us-east-1.amazonaws.com/token');
    expect(oidcUrlForRegion('http://127.0.0.1:9/token', 'eu-central-1')).toBe('http://127.0.0.1:9/token');
  });
});

describe('Kiro device login (AWS SSO-OIDC) with slow_down', () => {
  let server: ReturnType<typeof Bun.serve>;
  const seen: Array<{ path: string; body: Record<string, unknown> }> = [];
  const answers = ['authorization_pending', 'slow_down', 'authorization_pending'];
  beforeAll(() => {
    server = Bun.serve({
      hostname: '127.0.0.1', port: 0,
      async fetch(req) {
        const path = new URL(req.url).pathname;
        const body = (await req.json()) as Record<string, unknown>;
        seen.push({ path, body });
        if (path === '/client/register') return Response.json({ clientId: 'c1', clientSecret: 's1' });
        if (path === '/device_authorization') return Response.json({ deviceCode: 'd1', userCode: 'U-1', verificationUri: 'https://v', expiresIn: 600, interval: 2 });
        const next = answers.shift();
        if (next) return Response.json({ error: next, error_description: null }, { status: 400 });
        return Response.json({ accessToken: 'at', refreshToken: 'rt', expiresIn: 3600, tokenType: 'Bearer' });
      },
    });
  });
  afterAll(() => server.stop(true));

  test('register → device authorization → CreateToken polled with pending / slow_down', async () => {
    let now = 1_000;
    const base = `http://127.0.0.1:${server.port}`;
    const ctx = {
      provider: { options: {} } as unknown as ProviderRuntime, now: () => now,
      endpoints: {
        clientId: '', scopes: kiroOAuth.endpoints.scopes, deviceCodeUrl: `${base}/device_authorization`, tokenUrl: `${base}/token`,
        urls: { ...kiroOAuth.endpoints.urls, register: `${base}/client/register` },
      },
      fetch: (url: string, init?: RequestInit) => fetch(url, init),
    } as unknown as OAuthSpecContext;
    const login = await kiroOAuth.deviceLogin!(ctx);
    expect(login.authorization).toMatchObject({ userCode: 'U-1', verificationUri: 'https://v', intervalSec: 2, expiresAt: 601_000 });
    const waits: number[] = [];
    const tokens = await pollUntilApproved(ctx, login.authorization, login.poll, { sleep: async (ms) => void (waits.push(ms), (now += ms)) });
    expect(waits).toEqual([2000, 2000, 7000, 7000]);
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt', expiresAt: now + 3_600_000, extra: { authMethod: 'idc', clientId: 'c1', clientSecret: 's1' } });
    expect(seen.map((s) => s.path)).toEqual(['/client/register', '/device_authorization', '/token', '/token', '/token', '/token']);
    expect(seen[1]!.body).toEqual({ clientId: 'c1', clientSecret: 's1', startUrl: 'https://view.awsapps.com/start' });
    expect(seen[2]!.body).toEqual({ clientId: 'c1', clientSecret: 's1', grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: 'd1' });
  });
});
