import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { caught as rejection } from '../../../core/http/test-support.ts';
import { createHttpClient } from '../../../core/http/create-http-client.ts';
import type { Attempt, CallContext, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, StreamPart } from '../../../core/types/hub.ts';
import { MOCK_GEMINI_SIGNATURE, startMockGemini, type MockGemini } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { createGeminiAdapter } from './gemini-adapter.ts';
import { geminiModelUrl } from './gemini-url.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const KEY = 'AIzaSy-test-upstream-key';
const http = createHttpClient();
const adapter = createGeminiAdapter(http);
let mock: MockGemini;

beforeAll(async () => {
  mock = await startMockGemini({ apiKey: KEY });
});
afterAll(() => mock.stop());
beforeEach(() => mock.reset());

function provider(over: Partial<ProviderRuntime> = {}): ProviderRuntime {
  return {
    name: 'gem', type: 'gemini', baseUrl: mock.url, accounts: [{ id: 'key-1', label: 'key-1', secret: KEY, priority: 0, weight: 1 }],
    accountStrategy: 'fill-first', models: [], headers: {}, allowPrivateNetwork: true,
    timeouts: { connectMs: 1000, firstByteMs: 3000, idleMs: 1000, totalMs: 10000 }, quirks: {}, pricing: {}, options: {}, ...over,
  };
}

function attempt(model = 'gemini-2.5-flash', secret = KEY, p = provider()): Attempt {
  const ctl = new AbortController();
  return {
    n: 1, last: true, target: { provider: p.name, model }, provider: p,
    account: { id: 'key-1', label: 'key-1', secret, priority: 0, weight: 1 },
    signal: ctl.signal, passthrough: false,
    fetch: (url, init = {}) => http.fetch(url, { ...init, signal: ctl.signal, allowPrivateNetwork: true, timeouts: p.timeouts }),
  };
}

const call = (path: string): CallContext => {
  const url = new URL(`http://gateway${path}`);
  return { http: { url, params: { modelAction: url.pathname.replace('/v1beta/models/', '') } } } as unknown as CallContext;
};

const req = (text: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gem/gemini-2.5-flash', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...over,
});

async function collect(s: ReadableStream<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of s) out.push(p);
  return out;
}


const WEATHER = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', additionalProperties: false, properties: { location: { type: 'string' } }, required: ['location'] } };

describe('geminiModelUrl', () => {
  test('adds /v1beta once, keeps a versioned base, encodes the model', () => {
    expect(geminiModelUrl(undefined, 'gemini-2.5-flash', 'generateContent')).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(geminiModelUrl('https://x.test/v1beta/', 'models/gemini-2.5-flash', 'streamGenerateContent', true)).toBe('https://x.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(geminiModelUrl('https://x.test/v1', 'm', 'generateContent')).toBe('https://x.test/v1/models/m:generateContent');
    expect(geminiModelUrl('https://x.test', '../../evil?x', 'generateContent')).toBe('https://x.test/v1beta/models/..%2F..%2Fevil%3Fx:generateContent');
    expect(geminiModelUrl('https://x.test', 'tunedModels/my-model', 'generateContent')).toBe('https://x.test/v1beta/tunedModels/my-model:generateContent');
  });
});

describe('gemini adapter against the mock API', () => {
  test('generate: URL, key header (never in the URL), body, mapped result', async () => {
    const result = await adapter.chat!.generate(req('hello there', { maxTokens: 50 }), attempt(), call('/x'));
    const r = mock.requests[0];
    expect(r.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.search).toBe('');
    expect(r.headers['x-goog-api-key']).toBe(KEY);
    expect(r.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hello there' }] }], generationConfig: { maxOutputTokens: 50 } });
    expect(result.content).toEqual([{ type: 'text', text: 'hello there' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.id).toBe('mockResp0000');
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
  });

  test('generate with tools: sanitized schema accepted, function call with signature mapped', async () => {
    const result = await adapter.chat!.generate(req('weather in Paris?', { tools: [WEATHER] }), attempt(), call('/x'));
    expect(result.finishReason).toBe('tool-calls');
    const tc = result.content.find((p) => p.type === 'tool-call');
    expect(tc).toMatchObject({ name: 'get_weather', arguments: '{"location":"Paris"}', providerOptions: { gemini: { thoughtSignature: expect.stringMatching(new RegExp(`^${MOCK_GEMINI_SIGNATURE}`)) } } });
  });

  test('a second turn with the tool result (name recovered from the call id) is accepted', async () => {
    const first = await adapter.chat!.generate(req('weather in Paris?', { tools: [WEATHER] }), attempt(), call('/x'));
    const tc = first.content.find((p) => p.type === 'tool-call')!;
    const second = await adapter.chat!.generate(req('weather in Paris?', {
      tools: [WEATHER],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather in Paris?' }] },
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: tc.type === 'tool-call' ? tc.id : '', content: [{ type: 'text', text: '{"temp":21}' }] }] },
      ],
    }), attempt(), call('/x'));
    expect(second.content).toEqual([{ type: 'text', text: 'The tool said: {"temp":21}' }]);
    const sent = mock.lastBody() as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    expect(sent.contents[1].parts[0].thoughtSignature).toMatch(new RegExp(`^${MOCK_GEMINI_SIGNATURE}`));
    expect(sent.contents[2].parts[0]).toEqual({ functionResponse: { name: 'get_weather', response: { temp: 21 } } });
  });

  test('stream: SSE with alt=sse, parts end with finish and usage', async () => {
    const parts = await collect(await adapter.chat!.stream(req('one two three four five', { stream: true }), attempt(), call('/x')));
    expect(mock.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(mock.requests[0].search).toBe('?alt=sse');
    expect(parts[0].type).toBe('start');
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('one two three four five');
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', reason: 'stop', usage: { inputTokens: expect.any(Number) } });
  });

  test('stream faults: dropped connection and in-stream error become one error part', async () => {
    mock.configure({ dropAfterChunks: 1 });
    const dropped = await collect(await adapter.chat!.stream(req('one two three four five', { stream: true }), attempt(), call('/x')));
    expect(dropped.filter((p) => p.type === 'error')).toHaveLength(1);
    expect(dropped[dropped.length - 1].type).toBe('error');
    mock.configure({ dropAfterChunks: undefined, streamErrorAfterChunks: 2 });
    const errored = await collect(await adapter.chat!.stream(req('one two three four five', { stream: true }), attempt(), call('/x')));
    expect(errored[errored.length - 1]).toMatchObject({ type: 'error', error: { code: 'GW_UNAVAILABLE', retryable: true } });
  });

  test('errors: 429 with RetryInfo, bad key, unknown model', async () => {
    mock.configure({ status: 429, retryDelay: '7s', failTimes: 1 });
    const limited = await rejection(adapter.chat!.generate(req('x'), attempt(), call('/x')));
    expect(limited).toMatchObject({ code: 'GW_RATE_LIMITED', status: 429, retryable: true, retryAfterMs: 7000 });
    const retry = await adapter.chat!.generate(req('x'), attempt(), call('/x'));
    expect(retry.content).toEqual([{ type: 'text', text: 'x' }]);
    const badKey = await rejection(adapter.chat!.stream(req('x', { stream: true }), attempt('gemini-2.5-flash', 'AIzaSy-wrong-key-123'), call('/x')));
    expect(badKey).toMatchObject({ status: 502, upstream: { status: 400, code: 'API_KEY_INVALID' } });
    expect(badKey.message).not.toContain('AIzaSy-wrong-key-123');
    mock.configure({ status: undefined, failTimes: undefined, models: ['gemini-2.5-flash'] });
    const missing = await rejection(adapter.chat!.generate(req('x'), attempt('nope-model'), call('/x')));
    expect(missing).toMatchObject({ code: 'GW_MODEL_NOT_FOUND', status: 404 });
  });

  test('passthrough keeps the client body and framing: SSE, JSON array, JSON', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'alpha beta gamma' }] }], generation_config: { max_output_tokens: 99 } };
    const sse = (await adapter.chat!.passthrough!(body, attempt(), call('/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent?alt=sse&key=client-key')))!;
    expect(mock.requests[0].search).toBe('?alt=sse');
    expect(mock.requests[0].body).toEqual(body);
    const sseText = await sse.response.text();
    expect(sseText.startsWith('data: {')).toBe(true);
    const sseParts = sse.parser.push(new TextEncoder().encode(sseText)).concat(sse.parser.end());
    expect(sseParts[sseParts.length - 1].type).toBe('finish');

    const arr = (await adapter.chat!.passthrough!(body, attempt(), call('/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent')))!;
    expect(mock.requests[1].search).toBe('');
    const arrText = await arr.response.text();
    expect(Array.isArray(JSON.parse(arrText))).toBe(true);
    const arrParts = arr.parser.push(new TextEncoder().encode(arrText)).concat(arr.parser.end());
    expect(arrParts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('alpha beta gamma');

    const one = (await adapter.chat!.passthrough!(body, attempt(), call('/v1beta/models/gem/gemini-2.5-flash:generateContent')))!;
    expect(mock.requests[2].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    const oneParts = one.parser.push(new Uint8Array(await one.response.arrayBuffer())).concat(one.parser.end());
    expect(oneParts.map((p) => p.type)).toEqual(['start', 'text-delta', 'finish']);
  });

  test('fixture replay through generate and stream', async () => {
    mock.configure({
      raw: {
        json: readFileSync(`${FIXTURES}/generateContent-thought.response.json`, 'utf8'),
        sse: readFileSync(`${FIXTURES}/streamGenerateContent-functionCall.response.sse`, 'utf8'),
      },
    });
    const result = await adapter.chat!.generate(req('sum 1..100', { reasoning: { includeThoughts: true } }), attempt(), call('/x'));
    expect(result).toMatchObject({ finishReason: 'length', rawFinishReason: 'MAX_TOKENS', model: 'gemini-2.0-flash-thinking-exp-01-21' });
    expect(result.content[0]).toMatchObject({ type: 'reasoning', origin: 'gemini' });
    const parts = await collect(await adapter.chat!.stream(req('100/2', { stream: true }), attempt(), call('/x')));
    expect(parts.map((p) => p.type)).toEqual(['start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
  });

  test('listModels reads the upstream list', async () => {
    expect(await adapter.listModels!(provider())).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(mock.requests[0]).toMatchObject({ method: 'GET', path: '/v1beta/models', headers: { 'x-goog-api-key': KEY } });
  });
});
