import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Attempt, CallContext, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { startMockResponses, type MockResponses } from '../../../tests/helpers/mock-responses-upstream.ts';
import plugin from './plugin.ts';
import { responsesAdapter } from './responses-chat.ts';
import { caught as failure } from '../../../core/http/test-support.ts';

const SECRET = 'sk-test-responses-0123456789';
let mock: MockResponses;
const call = { id: 'req_1' } as CallContext;
const chat = responsesAdapter.chat!;

function attempt(opts: { signal?: AbortSignal; model?: string } = {}): Attempt {
  const provider = {
    name: 'oai', type: 'openai-responses', baseUrl: mock.url, accounts: [], accountStrategy: 'fill-first', models: [],
    headers: { 'x-extra': 'yes' }, allowPrivateNetwork: true, timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 5000 },
    quirks: {}, pricing: {}, options: {},
  } as ProviderRuntime;
  const signal = opts.signal ?? new AbortController().signal;
  return {
    n: 1, last: true, target: { provider: 'oai', model: opts.model ?? 'gpt-5.4' }, provider, signal, passthrough: false,
    account: { id: 'k1', label: 'k1', secret: SECRET, priority: 0, weight: 1 },
    fetch: (url, init = {}) => fetch(url, { method: init.method, headers: init.headers, body: init.body as BodyInit, signal: init.signal }),
  };
}

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'client', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra,
});

const weatherTool = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

async function collect(stream: ReadableStream<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const p of stream) parts.push(p);
  return parts;
}


beforeAll(async () => {
  mock = await startMockResponses({ apiKey: SECRET });
});
afterAll(() => mock.stop());

describe('openai-responses adapter against the mock upstream', () => {
  test('plugin provides the adapter under type openai-responses with the native dialect', () => {
    const provided: unknown[] = [];
    plugin.setup({ provide: (_k: string, impl: unknown) => provided.push(impl), host: { http: {} } } as never);
    expect(plugin.kind).toBe('provider');
    expect(plugin.autoload).toBe(true);
    expect(provided[0]).toMatchObject({ id: 'openai-responses', nativeDialect: 'openai-responses' });
  });

  test('generate: POST {base}/responses with Bearer auth, stateless body, mapped result', async () => {
    const result = await chat.generate(ask('Hello there'), attempt(), call);
    const rec = mock.requests.at(-1)!;
    expect(rec.path).toBe('/v1/responses');
    expect(rec.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(rec.headers['x-extra']).toBe('yes');
    expect(rec.rejected).toBeUndefined();
    expect(rec.body).toMatchObject({ model: 'gpt-5.4', store: false, stream: false });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello there' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.id).toStartWith('resp_mock');
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
  });

  test('OpenAI\'s own API gets a prompt_cache_key from the session (user), hashed; another Responses server gets none', async () => {
    await chat.generate(ask('Hello', { user: 'user_abc_session_3' }), attempt(), call);
    expect((mock.requests.at(-1)!.body as Record<string, unknown>).prompt_cache_key).toBeUndefined();
    // The same call to api.openai.com, its request captured where the attempt would send it.
    const sent: Array<Record<string, unknown>> = [];
    const official = { ...attempt(), provider: { ...attempt().provider, baseUrl: 'https://api.openai.com/v1' } } as Attempt;
    official.fetch = async (url, init = {}) => {
      sent.push({ url, ...JSON.parse(String(init.body)) });
      return fetch(`${mock.url}/responses`, { method: 'POST', headers: init.headers, body: init.body as BodyInit });
    };
    await chat.generate(ask('Hello', { user: 'user_abc_session_3' }), official, call);
    await chat.generate(ask('Hello', { user: 'user_abc_session_3', providerOptions: { 'openai-responses': { prompt_cache_key: 'mine' } } }), official, call);
    expect(sent.map((b) => b.url)).toEqual(['https://api.openai.com/v1/responses', 'https://api.openai.com/v1/responses']);
    expect(sent[0]!.prompt_cache_key).toMatch(/^sy-[0-9a-f]{32}$/);
    expect(sent[1]!.prompt_cache_key).toBe('mine');
  });

  test('stream: a tool call with argument deltas, then a second turn with the tool output and reasoning', async () => {
    const first = await collect(await chat.stream(ask('What is the weather in Paris?', { stream: true, tools: [weatherTool], reasoning: { effort: 'low', includeThoughts: true } }), attempt(), call));
    const sent = mock.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.include).toEqual(['reasoning.encrypted_content']);
    expect(sent.reasoning).toEqual({ effort: 'low', summary: 'auto' });
    expect(first.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls' });
    const start = first.find((p) => p.type === 'tool-call-start') as Extract<StreamPart, { type: 'tool-call-start' }>;
    const args = first.filter((p) => p.type === 'tool-call-delta').map((p) => (p as { argumentsDelta: string }).argumentsDelta).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    const reasoningEnd = first.find((p) => p.type === 'reasoning-end') as Extract<StreamPart, { type: 'reasoning-end' }>;
    expect(reasoningEnd.redacted).toStartWith('gAAAA');

    const second: ChatRequest = ask('What is the weather in Paris?', {
      stream: true,
      tools: [weatherTool],
      reasoning: { effort: 'low' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'x', redacted: reasoningEnd.redacted, origin: reasoningEnd.origin },
            { type: 'reasoning', text: 'claude thought', signature: 'sig', origin: 'anthropic' },
            { type: 'tool-call', id: start.id, name: start.name, arguments: args },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: start.id, content: [{ type: 'text', text: '18C' }] }] },
      ],
    });
    const parts = await collect(await chat.stream(second, attempt(), call));
    expect(mock.requests.at(-1)!.rejected).toBeUndefined();
    const input = (mock.requests.at(-1)!.body as { input: Array<{ type?: string }> }).input;
    expect(input.map((i) => i.type)).toEqual(['message', 'reasoning', 'function_call', 'function_call_output']);
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('The tool answered: 18C');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', usage: { reasoningTokens: expect.any(Number) } });
  });

  test('passthrough: the client body with only model replaced; the parser reads the stream on the side', async () => {
    const body = { model: 'alias', input: 'Echo me', stream: true, store: false, prompt_cache_key: 'pc' };
    const reply = (await chat.passthrough!(body, attempt(), call))!;
    expect(mock.requests.at(-1)!.body).toEqual({ ...body, model: 'gpt-5.4' });
    const bytes = new Uint8Array(await reply.response.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toStartWith('event: response.created\ndata: {"type":"response.created"');
    const parts = [...reply.parser.push(bytes), ...reply.parser.end()];
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    const json = (await chat.passthrough!({ model: 'alias', input: 'Echo me' }, attempt(), call))!;
    const jparts = [...json.parser.push(new Uint8Array(await json.response.arrayBuffer())), ...json.parser.end()];
    expect(jparts.find((p) => p.type === 'text-delta')).toEqual({ type: 'text-delta', text: 'Echo me' });
  });

  test('429 with retry-after is a retryable rate limit with the wait', async () => {
    mock.script([{ status: 429, retryAfter: 7 }]);
    const err = await failure(chat.generate(ask('x'), attempt(), call));
    expect([err.code, err.status, err.retryable, err.retryAfterMs]).toEqual(['GW_RATE_LIMITED', 429, true, 7000]);
    expect(err.upstream?.code).toBe('rate_limit_exceeded');
  });

  test('401 from the upstream becomes 502 (the client key is fine); 500 is retryable', async () => {
    const denied = await failure(chat.generate(ask('x'), { ...attempt(), account: { id: 'k2', label: 'k2', secret: 'sk-wrong-key-000000', priority: 0, weight: 1 } }, call));
    expect([denied.code, denied.status, denied.upstream?.status]).toEqual(['GW_UPSTREAM_ERROR', 502, 401]);
    mock.script([{ status: 500 }]);
    const server = await failure(chat.stream(ask('x', { stream: true }), attempt(), call));
    expect([server.code, server.retryable]).toEqual(['GW_UPSTREAM_ERROR', true]);
  });

  test('a request the API would refuse surfaces the upstream 400 with its param', async () => {
    const err = await failure(chat.generate(ask('x', { providerOptions: { 'openai-responses': { bogus_field: 1 } } }), attempt(), call));
    expect([err.code, err.status, err.param, err.upstream?.code]).toEqual(['GW_BAD_REQUEST', 400, 'bogus_field', 'unknown_parameter']);
  });

  test('a dropped stream and a malformed frame end with one error part', async () => {
    mock.script([{ dropAfterEvents: 4 }]);
    const dropped = await collect(await chat.stream(ask('Tell me more', { stream: true }), attempt(), call));
    expect(dropped.at(-1)?.type).toBe('error');
    expect(dropped.filter((p) => p.type === 'finish')).toEqual([]);
    mock.script([{ malformed: true }]);
    const broken = await collect(await chat.stream(ask('Tell me more', { stream: true }), attempt(), call));
    expect(broken.at(-1)).toMatchObject({ type: 'error', error: { code: 'GW_UPSTREAM_PROTOCOL' } });
  });

  test('a mid-stream response.failed is one retryable error part', async () => {
    mock.script([{ streamErrorAfterEvents: 3 }]);
    const parts = await collect(await chat.stream(ask('Tell me more', { stream: true }), attempt(), call));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'GW_UPSTREAM_ERROR', retryable: true, message: 'The model failed mid-stream.' } });
    expect(parts.filter((p) => p.type === 'error').length).toBe(1);
  });

  test('aborting the attempt while the upstream hangs rejects at once', async () => {
    mock.script([{ hang: true }]);
    const ctrl = new AbortController();
    const pending = chat.generate(ask('x'), attempt({ signal: ctrl.signal }), call);
    await mock.waitFor(() => mock.requests.at(-1)?.fault?.hang === true);
    ctrl.abort();
    await expect(pending).rejects.toBeDefined();
  });

  test('an incomplete result maps to length', async () => {
    const m = await startMockResponses({ respond: () => ({ text: 'cut', status: 'incomplete' }) });
    try {
      const a = attempt();
      const result: ChatResult = await chat.generate(ask('x'), { ...a, provider: { ...a.provider, baseUrl: m.url } }, call);
      expect([result.finishReason, result.rawFinishReason]).toEqual(['length', 'max_output_tokens']);
    } finally {
      await m.stop();
    }
  });
});
