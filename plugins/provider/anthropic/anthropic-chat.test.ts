import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { type GatewayError } from '../../../core/errors/gateway-error.ts';
import { caught as rejection } from '../../../core/http/test-support.ts';
import type { AccountRuntime, Attempt, CallContext, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, Message, ReasoningPart, StreamPart, ToolCallPart } from '../../../core/types/hub.ts';
import { MOCK_SIGNATURE_PREFIX, startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { anthropicAdapter, anthropicHeaders, anthropicMessagesUrl } from './anthropic-chat.ts';

let mock: MockAnthropic;
beforeAll(async () => { mock = await startMockAnthropic({ apiKey: 'sk-ant-test' }); });
afterAll(async () => { await mock.stop(); });
beforeEach(() => { mock.reset(); });

const account: AccountRuntime = { id: 'key-1', label: 'key-1', secret: 'sk-ant-test', priority: 0, weight: 1 };

function attempt(over: Partial<ProviderRuntime> = {}): Attempt & { abort(): void } {
  const ac = new AbortController();
  const provider: ProviderRuntime = {
    name: 'claude', type: 'anthropic', baseUrl: mock.url, accounts: [account], accountStrategy: 'fill-first', models: [],
    headers: {}, allowPrivateNetwork: true, timeouts: { connectMs: 5000, firstByteMs: 5000, idleMs: 5000, totalMs: 10000 },
    quirks: {}, pricing: {}, options: {}, ...over,
  };
  return {
    n: 1, last: true, target: { provider: 'claude', model: 'claude-sonnet-4-5' }, provider, account, signal: ac.signal, passthrough: false,
    fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ?? ac.signal } as RequestInit),
    abort: () => ac.abort(),
  };
}

function call(headers: Record<string, string> = {}, url = 'http://localhost/v1/chat/completions'): CallContext {
  return { id: 'req_1', http: { headers: new Headers(headers), url: new URL(url) } } as unknown as CallContext;
}

const chat = anthropicAdapter.chat as NonNullable<typeof anthropicAdapter.chat>;
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const req = (r: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'claude/claude-sonnet-4-5', messages: [user('Hello mock')], stream: false, ...r });
const weatherTool = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };

async function collect(stream: ReadableStream<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of stream) out.push(p);
  return out;
}


describe('anthropic adapter: wire basics', () => {
  test('messages URL never doubles /v1', () => {
    expect(anthropicMessagesUrl(undefined)).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicMessagesUrl('https://proxy.example/v1/')).toBe('https://proxy.example/v1/messages');
    expect(anthropicMessagesUrl('https://proxy.example/anthropic')).toBe('https://proxy.example/anthropic/v1/messages');
  });

  test('headers: key, version, client beta flags, bearer option, configured headers', () => {
    const a = attempt({ headers: { 'X-Team': 'blue', 'anthropic-beta': 'cfg-flag' } });
    const h = anthropicHeaders(a, new Headers({ 'anthropic-version': '2023-01-01', 'anthropic-beta': 'client-flag' }));
    expect(h).toEqual({
      'x-team': 'blue', 'content-type': 'application/json', 'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-01-01', 'anthropic-beta': 'cfg-flag,client-flag',
    });
    const bearer = anthropicHeaders(attempt({ options: { auth: 'bearer' } }), new Headers({ 'anthropic-beta': 'oauth-2025-04-20' }));
    expect(bearer.authorization).toBe('Bearer sk-ant-test');
    expect(bearer['x-api-key']).toBeUndefined();
    expect(bearer['anthropic-version']).toBe('2023-06-01');
    expect(bearer['anthropic-beta']).toBe('oauth-2025-04-20');
    const claudeCode = anthropicHeaders(attempt(), new Headers({ 'anthropic-beta': 'claude-code-20250219, oauth-2025-04-20,fine-grained-tool-streaming-2025-05-14' }));
    expect(claudeCode['anthropic-beta']).toBe('claude-code-20250219,fine-grained-tool-streaming-2025-05-14');
    expect(anthropicHeaders(attempt(), new Headers({ 'anthropic-beta': 'oauth-2025-04-20' }))['anthropic-beta']).toBeUndefined();
  });

  test('headers: the auth header a preset or the YAML names (Z.ai: authorization Bearer) is the one used', () => {
    const zai = anthropicHeaders(attempt({ auth: { header: 'authorization', scheme: 'Bearer' } }));
    expect(zai.authorization).toBe('Bearer sk-ant-test');
    expect(zai['x-api-key']).toBeUndefined();
    const plain = anthropicHeaders(attempt({ auth: { header: 'x-api-key' } }));
    expect(plain['x-api-key']).toBe('sk-ant-test');
    expect(plain.authorization).toBeUndefined();
  });

  test('generate: echo, recorded request has model, max_tokens and headers', async () => {
    const r = await chat.generate(req(), attempt(), call({ 'anthropic-beta': 'tools-2024' }));
    expect(r.content).toEqual([{ type: 'text', text: 'Hello mock' }]);
    expect(r.finishReason).toBe('stop');
    expect(r.usage?.inputTokens).toBeGreaterThan(0);
    const sent = mock.requests[0];
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('tools-2024');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 16384 });
    expect((sent.body as Record<string, unknown>).stream).toBeUndefined();
  });

  test('stop sequences reach the upstream and come back', async () => {
    const r = await chat.generate(req({ messages: [user('one two END three')], stop: ['END'] }), attempt(), call());
    expect(r.content).toEqual([{ type: 'text', text: 'one two ' }]);
    expect([r.finishReason, r.stopSequence, r.rawFinishReason]).toEqual(['stop', 'END', 'stop_sequence']);
  });
});

describe('anthropic adapter: tools and thinking round trip', () => {
  test('stream with thinking + tool call, then the next turn is accepted by the upstream rules', async () => {
    const first = req({ messages: [user('What is the weather in Paris?')], tools: [weatherTool], reasoning: { effort: 'low' }, stream: true });
    const parts = await collect(await chat.stream(first, attempt(), call()));
    const end = parts.find((p) => p.type === 'reasoning-end') as Extract<StreamPart, { type: 'reasoning-end' }>;
    expect(end.signature?.startsWith(MOCK_SIGNATURE_PREFIX)).toBe(true);
    expect(end.origin).toBe('anthropic');
    const start = parts.find((p) => p.type === 'tool-call-start') as Extract<StreamPart, { type: 'tool-call-start' }>;
    const args = parts.filter((p) => p.type === 'tool-call-delta').map((p) => (p as { argumentsDelta: string }).argumentsDelta).join('');
    expect(start.name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls' });
    expect((mock.requests[0].body as Record<string, unknown>).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });

    const thinking = parts.filter((p) => p.type === 'reasoning-delta').map((p) => (p as { text: string }).text).join('');
    const reasoning: ReasoningPart = { type: 'reasoning', text: thinking, signature: end.signature, origin: 'anthropic' };
    const toolCall: ToolCallPart = { type: 'tool-call', id: start.id, name: start.name, arguments: args };
    const second = req({
      tools: [weatherTool], reasoning: { effort: 'low' },
      messages: [
        user('What is the weather in Paris?'),
        { role: 'assistant', content: [reasoning, toolCall] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: start.id, content: [{ type: 'text', text: '18C and sunny' }] }] },
      ],
    });
    const r = await chat.generate(second, attempt(), call());
    expect(r.content.find((p) => p.type === 'text')).toEqual({ type: 'text', text: 'The tool said: 18C and sunny' });
    const sent = mock.requests[1].body as { messages: Array<{ content: Array<{ type: string }> }>; thinking: unknown };
    expect(sent.messages[1].content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  test('a foreign signature is never sent; thinking is dropped for a foreign tool loop', async () => {
    const messages: Message[] = [
      user('What is the weather in Paris?'),
      { role: 'assistant', content: [
        { type: 'reasoning', text: 'gemini thoughts', signature: 'gem-sig', origin: 'gemini' },
        { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
      ] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'rain' }], isError: true }] },
    ];
    const r = await chat.generate(req({ messages, tools: [weatherTool], reasoning: { effort: 'high' } }), attempt(), call());
    expect(r.content.find((p) => p.type === 'text')).toEqual({ type: 'text', text: 'The tool said: rain' });
    const sent = mock.requests[0].body as { messages: Array<{ content: Array<Record<string, unknown>> }>; thinking?: unknown };
    expect(JSON.stringify(sent)).not.toContain('gem-sig');
    expect(sent.thinking).toBeUndefined();
    expect(sent.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_1', is_error: true });
  });

  test('json_schema via the tool trick, generate and stream', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, temp: { type: 'number' } }, required: ['city', 'temp'] };
    const format = { type: 'json_schema' as const, name: 'weather', schema };
    const r = await chat.generate(req({ responseFormat: format }), attempt(), call());
    expect(r.content).toHaveLength(1);
    expect(JSON.parse((r.content[0] as { text: string }).text)).toEqual({ city: 'mock city', temp: 42 });
    expect(r.finishReason).toBe('stop');
    const parts = await collect(await chat.stream(req({ responseFormat: format, stream: true }), attempt(), call()));
    const text = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('');
    expect(JSON.parse(text)).toEqual({ city: 'mock city', temp: 42 });
    expect(parts.some((p) => p.type === 'tool-call-start')).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  test('a rich conversation (system, images, merged turns) passes the upstream rules', async () => {
    const messages: Message[] = [
      { role: 'system', content: [{ type: 'text', text: 'You are terse.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }] },
      user('and this'),
      { role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.jpg' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A cat.' }, { type: 'text', text: '' }] },
      user('Thanks'),
    ];
    const r = await chat.generate(req({ messages, temperature: 1.5 }), attempt(), call());
    expect(r.content).toEqual([{ type: 'text', text: 'Thanks' }]);
  });
});

describe('anthropic adapter: errors and faults', () => {
  test('429 with retry-after → retryable GW_RATE_LIMITED with retryAfterMs', async () => {
    mock.script([{ status: 429, retryAfter: '3' }]);
    const e = await rejection(chat.generate(req(), attempt(), call()));
    expect([e.code, e.status, e.retryable, e.retryAfterMs]).toEqual(['GW_RATE_LIMITED', 429, true, 3000]);
  });

  test('529 overloaded → retryable, stream() rejects before any part', async () => {
    mock.script([{ overloaded: true }]);
    const e = await rejection(chat.stream(req({ stream: true }), attempt(), call()));
    expect([e.status, e.retryable, e.upstream?.type]).toEqual([529, true, 'overloaded_error']);
  });

  test('a request the API would refuse → 400 invalid_request_error, not retryable', async () => {
    const e = await rejection(chat.generate(req({ messages: [] }), attempt(), call()));
    expect([e.code, e.status, e.retryable]).toEqual(['GW_BAD_REQUEST', 400, false]);
    expect(e.upstream?.type).toBe('invalid_request_error');
  });

  test('wrong key → 502 (the client key is not at fault)', async () => {
    const bad = { ...attempt(), account: { ...account, secret: 'sk-wrong' } };
    const e2 = await rejection(chat.generate(req(), bad, call()));
    expect([e2.status, e2.upstream?.status]).toEqual([502, 401]);
  });

  test('stream faults become one error part', async () => {
    mock.script([{ streamErrorAfterEvents: 3 }, { malformed: true }, { dropAfterEvents: 4 }]);
    let parts = await collect(await chat.stream(req({ stream: true }), attempt(), call()));
    expect(parts.at(-1)).toMatchObject({ type: 'error' });
    expect((parts.at(-1) as { error: GatewayError }).error.retryable).toBe(true);

    parts = await collect(await chat.stream(req({ stream: true }), attempt(), call()));
    expect((parts.at(-1) as { error: GatewayError }).error.code).toBe('GW_UPSTREAM_PROTOCOL');

    parts = await collect(await chat.stream(req({ stream: true }), attempt(), call()));
    expect(parts.filter((p) => p.type === 'error')).toHaveLength(1);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  test('scripted fault: first request fails, the retry succeeds', async () => {
    mock.script([{ status: 500 }]);
    expect((await rejection(chat.generate(req(), attempt(), call()))).retryable).toBe(true);
    expect((await chat.generate(req(), attempt(), call())).content).toEqual([{ type: 'text', text: 'Hello mock' }]);
  });

  test('a hanging upstream is released by the attempt signal', async () => {
    mock.script([{ hang: true }]);
    const a = attempt();
    setTimeout(() => a.abort(), 100);
    const started = performance.now();
    await expect(chat.generate(req(), a, call())).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test('first-byte delay is just slower', async () => {
    mock.script([{ firstByteDelayMs: 120 }]);
    const started = performance.now();
    await chat.generate(req(), attempt(), call());
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('anthropic adapter: passthrough', () => {
  test('forwards the client body with only model replaced; parser reads usage on the side', async () => {
    const client = { model: 'claude/alias', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'pass me' }], metadata: { user_id: 'u' } };
    const reply = await chat.passthrough?.(client, attempt(), call({ 'anthropic-version': '2023-06-01' }, 'http://localhost/v1/messages?beta=true'));
    if (!reply) throw new Error('no passthrough');
    expect(mock.requests[0].body).toEqual({ ...client, model: 'claude-sonnet-4-5' });
    expect(mock.requests[0].path).toBe('/v1/messages?beta=true');
    const bytes = new Uint8Array(await reply.response.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toContain('event: message_stop');
    const parts = [...reply.parser.push(bytes), ...reply.parser.end()];
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('pass me');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', usage: { outputTokens: expect.any(Number) } });
  });

  test('non-streamed passthrough uses the JSON parser', async () => {
    const reply = await chat.passthrough?.({ model: 'x', max_tokens: 20, messages: [{ role: 'user', content: 'json please' }] }, attempt(), call());
    if (!reply) throw new Error('no passthrough');
    const bytes = new Uint8Array(await reply.response.arrayBuffer());
    const parts = [...reply.parser.push(bytes), ...reply.parser.end()];
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'finish']);
  });

  test('passthrough errors throw like the others', async () => {
    mock.script([{ status: 413 }]);
    const e = await rejection(chat.passthrough?.({ model: 'x', max_tokens: 1, messages: [] }, attempt(), call()) ?? Promise.resolve());
    expect(e.status).toBe(413);
  });
});
