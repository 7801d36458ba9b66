import type { PassthroughReply } from '../../../core/plugin/types.ts';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { type GatewayError } from '../../../core/errors/gateway-error.ts';
import { caught as rejection } from '../../../core/http/test-support.ts';
import type { Attempt, CallContext, PluginContext, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, StreamPart } from '../../../core/types/hub.ts';
import { startMockOpenAI, type MockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { createOpenAICompatibleAdapter } from './create-openai-compatible-adapter.ts';
import { createOpenAIChatJsonParser, mapOpenAIChatResponse } from './map-openai-chat-response.ts';
import plugin from './plugin.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/openai`;
let mock: MockOpenAI;
const adapter = createOpenAICompatibleAdapter('openai');
const call = {} as CallContext;

beforeAll(async () => {
  mock = await startMockOpenAI({ apiKey: 'sk-up' });
});
afterAll(() => mock.stop());

function provider(over: Partial<ProviderRuntime> = {}): ProviderRuntime {
  return {
    name: 'local', type: 'openai', baseUrl: mock.url, accounts: [], accountStrategy: 'fill-first', models: ['gpt-4o-mini'],
    headers: { 'x-extra': 'yes' }, allowPrivateNetwork: true, timeouts: { connectMs: 1000, firstByteMs: 5000, idleMs: 5000, totalMs: 10000 },
    quirks: {}, pricing: {}, options: {}, ...over,
  };
}

function attempt(p: ProviderRuntime = provider(), model = 'gpt-4o-mini', secret = 'sk-up'): Attempt & { ctl: AbortController } {
  const ctl = new AbortController();
  return {
    n: 1, last: true, target: { provider: p.name, model }, provider: p, account: { id: 'key-1', label: 'key-1', secret, priority: 0, weight: 1 },
    signal: ctl.signal, passthrough: false, ctl,
    fetch: (url, init = {}) => fetch(url, { method: init.method, headers: init.headers as HeadersInit, body: init.body as BodyInit, signal: ctl.signal }),
  };
}

const req = (text: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'local/gpt-4o-mini', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...over,
});

async function collect(s: ReadableStream<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of s) out.push(p);
  return out;
}


describe('openai-compatible plugin', () => {
  test('provides adapters for openai and openai-compatible with the openai-chat dialect', () => {
    const ids: string[] = [];
    plugin.setup({ provide: (_k: string, a: ProviderAdapter) => ids.push(`${a.id}:${a.nativeDialect}`) } as unknown as PluginContext);
    expect(ids).toEqual(['openai:openai-chat', 'openai-compatible:openai-chat']);
    expect(plugin.autoload).toBe(true);
  });
});

describe('generate / stream against the mock upstream', () => {
  test('generate: request shape, auth + provider headers, mapped result', async () => {
    const r = await adapter.chat!.generate(req('hello world', { maxTokens: 5 }), attempt(), call);
    expect(r.content).toEqual([{ type: 'text', text: 'hello world' }]);
    expect(r.finishReason).toBe('stop');
    expect(r.usage?.inputTokens).toBeGreaterThan(0);
    const rec = mock.requests.at(-1)!;
    expect(rec.headers.authorization).toBe('Bearer sk-up');
    expect(rec.headers['x-extra']).toBe('yes');
    expect(rec.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello world' }], max_tokens: 5 });
  });

  test('preset auth header and scheme', async () => {
    const custom = await startMockOpenAI();
    try {
      const p = provider({ baseUrl: custom.url, auth: { header: 'x-api-key' } });
      await adapter.chat!.generate(req('x'), attempt(p), call);
      expect(custom.requests[0].headers['x-api-key']).toBe('sk-up');
      expect(custom.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await custom.stop();
    }
  });

  test('stream: always asks for usage, yields start → deltas → finish with usage', async () => {
    const parts = await collect(await adapter.chat!.stream(req('one two three', { stream: true }), attempt(), call));
    expect((mock.requests.at(-1)!.body as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
    expect(parts[0].type).toBe('start');
    expect(parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('')).toBe('one two three');
    const fin = parts.at(-1);
    expect(fin?.type === 'finish' && fin.usage?.outputTokens).toBeGreaterThan(0);
  });

  test('stream with no_stream_usage quirk sends no stream_options', async () => {
    await collect(await adapter.chat!.stream(req('x', { stream: true }), attempt(provider({ quirks: { no_stream_usage: true } })), call));
    expect((mock.requests.at(-1)!.body as Record<string, unknown>).stream_options).toBeUndefined();
  });

  test('tool call round trip', async () => {
    const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const r = await adapter.chat!.generate(req('weather in Oslo?', { tools }), attempt(), call);
    expect(r.finishReason).toBe('tool-calls');
    expect(r.content[0]).toMatchObject({ type: 'tool-call', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    const parts = await collect(await adapter.chat!.stream(req('weather in Oslo?', { tools, stream: true }), attempt(), call));
    const args = parts.flatMap((p) => (p.type === 'tool-call-delta' ? [p.argumentsDelta] : [])).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls' });
  });

  test('429 with Retry-After → GW_RATE_LIMITED retryable with wait', async () => {
    mock.script([{ status: 429, retryAfter: 7 }]);
    const err = await rejection(adapter.chat!.stream(req('x', { stream: true }), attempt(), call));
    expect([err.code, err.status, err.retryable, err.retryAfterMs]).toEqual(['GW_RATE_LIMITED', 429, true, 7000]);
  });

  test('500 → 502 retryable; wrong key → 401 passthrough', async () => {
    mock.script([{ status: 500 }]);
    const e500 = await rejection(adapter.chat!.generate(req('x'), attempt(), call));
    expect([e500.status, e500.retryable, e500.upstream?.status]).toEqual([502, true, 500]);
    const e401 = await rejection(adapter.chat!.generate(req('x'), attempt(provider(), 'gpt-4o-mini', 'wrong'), call));
    expect([e401.status, e401.retryable]).toEqual([401, false]);
  });

  test('mid-stream disconnect → text then one retryable error part', async () => {
    mock.script([{ dropAfterChunks: 2 }]);
    const parts = await collect(await adapter.chat!.stream(req('alpha beta gamma delta', { stream: true }), attempt(), call));
    expect(parts.some((p) => p.type === 'text-delta')).toBe(true);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error.retryable).toBe(true);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  test('malformed frame → protocol error part; truncated JSON → protocol error', async () => {
    mock.script([{ malformed: true }, { malformed: true }]);
    const parts = await collect(await adapter.chat!.stream(req('a b', { stream: true }), attempt(), call));
    expect(parts.at(-1)?.type === 'error' && (parts.at(-1) as { error: GatewayError }).error.code).toBe('GW_UPSTREAM_PROTOCOL');
    const err = await rejection(adapter.chat!.generate(req('x'), attempt(), call));
    expect(err.code).toBe('GW_UPSTREAM_PROTOCOL');
  });

  test('cancelling the parts stream closes the upstream connection', async () => {
    mock.script([{ chunkDelayMs: 50 }]);
    const before = mock.closedConnections;
    const s = await adapter.chat!.stream(req('w1 w2 w3 w4 w5 w6 w7 w8 w9 w10', { stream: true }), attempt(), call);
    const reader = s.getReader();
    await reader.read();
    await reader.cancel();
    await mock.waitFor(() => mock.closedConnections === before + 1);
  });

  test('aborting the attempt while the upstream hangs rejects promptly', async () => {
    mock.script([{ hang: true }]);
    const a = attempt();
    const p = adapter.chat!.generate(req('x'), a, call);
    await mock.waitFor(() => mock.requests.at(-1)?.fault?.hang === true);
    a.ctl.abort();
    await expect(p).rejects.toBeDefined();
  });
});

/** What the client receives: the upstream bytes after the reply's filter, if any. */
function clientText(reply: PassthroughReply, bytes: Uint8Array): string {
  const filter = reply.createFilter?.();
  if (!filter) return new TextDecoder().decode(bytes);
  const out = [filter.chunk(bytes), filter.end()].filter((b): b is Uint8Array => b !== undefined);
  return out.map((b) => new TextDecoder().decode(b)).join('');
}

describe('passthrough', () => {
  test('stream: the body as the core hands it over, include_usage added, parser reads usage', async () => {
    const raw = { model: 'local/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'pass me' }], vendor_x: 1 };
    // The core passes a copy per attempt with the upstream model in place.
    const reply = (await adapter.chat!.passthrough!({ ...raw, model: 'gpt-4o-mini' }, attempt(), call))!;
    expect(raw).not.toHaveProperty('stream_options'); // the client's body is not mutated
    expect(mock.requests.at(-1)!.body).toEqual({ ...raw, model: 'gpt-4o-mini', stream_options: { include_usage: true } });
    const bytes = new Uint8Array(await reply.response.arrayBuffer());
    const text = clientText(reply, bytes);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    // The client did not ask for usage: the frame the gateway asked for is not forwarded…
    expect(text).not.toContain('"usage"');
    // …but the side parser still read it.
    const parts = [...reply.parser.push(bytes), ...reply.parser.end()];
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', usage: { inputTokens: expect.any(Number) } });
  });

  test('stream_options the client set are kept; usage is asked for and hidden when the client said false', async () => {
    const raw = { model: 'm', stream: true, stream_options: { include_usage: false }, messages: [{ role: 'user', content: 'x' }] };
    const reply = (await adapter.chat!.passthrough!(raw, attempt(), call))!;
    expect(clientText(reply, new Uint8Array(await reply.response.arrayBuffer()))).not.toContain('"usage"');
    expect((mock.requests.at(-1)!.body as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
    const asked = (await adapter.chat!.passthrough!({ ...raw, stream_options: { include_usage: true } }, attempt(), call))!;
    expect(asked.createFilter).toBeUndefined();
    expect(await asked.response.text()).toContain('"usage"');
  });

  test('non-stream: JSON parser yields the whole result; errors throw', async () => {
    const reply = (await adapter.chat!.passthrough!({ model: 'm', messages: [{ role: 'user', content: 'json please' }] }, attempt(), call))!;
    const bytes = new Uint8Array(await reply.response.arrayBuffer());
    const parts = [...reply.parser.push(bytes), ...reply.parser.end()];
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'finish']);
    mock.script([{ status: 429, retryAfter: 1 }]);
    const err = await rejection(adapter.chat!.passthrough!({ model: 'm', messages: [] }, attempt(), call));
    expect(err.status).toBe(429);
  });

  test('drop_params quirk applies in passthrough too', async () => {
    const p = provider({ quirks: { models: { 'o*': { drop_params: ['temperature'] } } } });
    const reply = (await adapter.chat!.passthrough!({ model: 'x', temperature: 0.3, messages: [{ role: 'user', content: 'x' }] }, attempt(p, 'o3'), call))!;
    await reply.response.arrayBuffer();
    expect((mock.requests.at(-1)!.body as Record<string, unknown>).temperature).toBeUndefined();
  });
});

describe('mapOpenAIChatResponse on the fixtures', () => {
  test('chat-completion.json', () => {
    const r = mapOpenAIChatResponse(JSON.parse(readFileSync(`${FIX}/chat-completion.json`, 'utf8')));
    expect(r).toEqual({
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      model: 'gpt-5.4',
      created: 1741569952,
      content: [{ type: 'text', text: 'Hello! How can I assist you today?' }],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0, serviceTier: 'default' },
      providerMetadata: { openai: { service_tier: 'default' } },
    });
  });

  test('chat-completion-tool-calls.json', () => {
    const r = mapOpenAIChatResponse(JSON.parse(readFileSync(`${FIX}/chat-completion-tool-calls.json`, 'utf8')));
    expect(r.content).toEqual([{ type: 'tool-call', id: 'call_abc123', name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' }]);
    expect(r.finishReason).toBe('tool-calls');
  });

  test('think tags, reasoning_content, error bodies, missing choices', () => {
    const r = mapOpenAIChatResponse({ id: 'x', model: 'm', choices: [{ index: 0, message: { content: '<think>hm</think>\n\nok' }, finish_reason: 'stop' }] }, { thinkTags: true });
    expect(r.content).toEqual([{ type: 'reasoning', text: 'hm' }, { type: 'text', text: 'ok' }]);
    const d = mapOpenAIChatResponse({ choices: [{ message: { content: 'a', reasoning_content: 'b' }, finish_reason: 'length' }] });
    expect(d.content).toEqual([{ type: 'reasoning', text: 'b' }, { type: 'text', text: 'a' }]);
    expect(d.finishReason).toBe('length');
    expect(() => mapOpenAIChatResponse({ error: { message: 'bad', type: 'server_error' } })).toThrow('bad');
    expect(() => mapOpenAIChatResponse({ id: 'x' })).toThrow(/no choices/);
    const p = createOpenAIChatJsonParser();
    p.push(new TextEncoder().encode('{"id":'));
    const parts = p.end();
    expect(parts[0].type === 'error' && parts[0].error.code).toBe('GW_UPSTREAM_PROTOCOL');
  });
});

describe('reasoning_effort refused by a model that does not reason', () => {
  const refusal = {
    status: 400,
    body: { error: { message: 'Unrecognized request argument supplied: reasoning_effort', type: 'invalid_request_error', param: null, code: null } },
  };
  const thinking = (over: Partial<ChatRequest> = {}) => req('hi', { reasoning: { enabled: true }, ...over });
  const from = (dialect: string) => ({ dialect }) as CallContext;

  test('derived from another dialect\'s thinking: sent once more without it, the client gets the answer', async () => {
    const before = mock.requests.length;
    mock.script([refusal]);
    const r = await adapter.chat!.generate(thinking(), attempt(), from('gemini'));
    expect(r.content).toEqual([{ type: 'text', text: 'hi' }]);
    const [first, second] = mock.requests.slice(before);
    expect((first!.body as Record<string, unknown>).reasoning_effort).toBe('medium');
    expect(second!.body as Record<string, unknown>).not.toHaveProperty('reasoning_effort');
  });

  test('the same on a stream, before anything reaches the client', async () => {
    const before = mock.requests.length;
    mock.script([{ status: 400, body: { error: { message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.", type: 'invalid_request_error', param: 'reasoning_effort', code: 'unsupported_parameter' } } }]);
    const parts = await collect(await adapter.chat!.stream(thinking({ stream: true }), attempt(), from('anthropic-messages')));
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('hi');
    expect(mock.requests.length - before).toBe(2);
  });

  test('an OpenAI Chat client wrote reasoning_effort itself: its 400 passes through, no second call', async () => {
    const before = mock.requests.length;
    mock.script([refusal]);
    const err = await rejection(adapter.chat!.generate(thinking({ reasoning: { effort: 'high' } }), attempt(), from('openai-chat'))) as GatewayError;
    expect(err.status).toBe(400);
    expect(mock.requests.length - before).toBe(1);
  });

  test('a 400 about something else is not retried', async () => {
    const before = mock.requests.length;
    mock.script([{ status: 400, body: { error: { message: "Invalid value for 'temperature'.", type: 'invalid_request_error', param: 'temperature', code: null } } }]);
    const err = await rejection(adapter.chat!.generate(thinking(), attempt(), from('gemini'))) as GatewayError;
    expect(err.status).toBe(400);
    expect(mock.requests.length - before).toBe(1);
  });
});

describe('structured output with a root that is not an object', () => {
  const list = { type: 'json_schema' as const, name: 'list', schema: { type: 'array', items: { type: 'string' } } };

  test('the schema goes wrapped; the client gets the bare value (generate and stream)', async () => {
    const wrapped = await startMockOpenAI({ respond: () => ({ content: '{"value": ["red", "green", "blue"]}' }) });
    try {
      const p = provider({ baseUrl: wrapped.url });
      const r = await adapter.chat!.generate(req('colours', { responseFormat: list }), attempt(p), call);
      expect(r.content).toEqual([{ type: 'text', text: '["red", "green", "blue"]' }]);
      const sent = wrapped.requests[0]!.body as { response_format: { json_schema: { schema: Record<string, unknown> } } };
      expect(sent.response_format.json_schema.schema).toMatchObject({ type: 'object', required: ['value'], properties: { value: list.schema } });

      const parts = await collect(await adapter.chat!.stream(req('colours', { responseFormat: list, stream: true }), attempt(p), call));
      const deltas = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe('["red", "green", "blue"]');
      expect(parts.at(-1)?.type).toBe('finish');
    } finally {
      await wrapped.stop();
    }
  });

  test('a reply that ignored the wrapper is passed on as it came', async () => {
    const bare = await startMockOpenAI({ respond: () => ({ content: '["red"]' }) });
    try {
      const r = await adapter.chat!.generate(req('colours', { responseFormat: list }), attempt(provider({ baseUrl: bare.url })), call);
      expect(r.content).toEqual([{ type: 'text', text: '["red"]' }]);
    } finally {
      await bare.stop();
    }
  });
});
