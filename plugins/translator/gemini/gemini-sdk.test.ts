/**
 * Wire compatibility of the Gemini dialect with the official `@google/genai` SDK, which is what
 * Gemini CLI is built on. A small server routes requests through this translator's own routes
 * (a fake RouteHost stands in for the gateway), and its `run` produces hub parts: scripted, or
 * from the `gemini` provider talking to the mock Gemini API. Test-only imports of the provider.
 */
import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, CallContext, GatewayRequest, HttpInput, ProviderRuntime, RouteHost, RouteSpec } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { startMockGemini, type MockGemini } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { createGeminiAdapter } from '../../provider/gemini/gemini-adapter.ts';
import { createGeminiTranslator } from './gemini-translator.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const CLIENT_KEY = 'sy-client-key';
const UPSTREAM_KEY = 'AIzaSy-upstream';
const translator = createGeminiTranslator({ bodyLimitBytes: () => 1024 * 1024 });
const adapter = createGeminiAdapter();

let mock: MockGemini;
let server: ReturnType<typeof Bun.serve>;
/** The SDK's default API version (`v1` in 3.x), and `v1beta` as older releases and Google's samples use. */
let ai: GoogleGenAI;
let beta: GoogleGenAI;
/** Scripted answers instead of the provider, when set. */
let script: { parts?: StreamPart[]; result?: ChatResult; error?: GatewayError } = {};
let decoded: GatewayRequest[] = [];

function attempt(model: string): Attempt {
  const provider = { name: 'gem', type: 'gemini', baseUrl: mock.url, accounts: [], headers: {}, options: {} } as unknown as ProviderRuntime;
  const account = { id: 'k', label: 'k', secret: UPSTREAM_KEY, priority: 0, weight: 1 };
  return {
    n: 1, last: true, target: { provider: 'gem', model }, provider, account, passthrough: false,
    signal: new AbortController().signal, fetch: (url, init) => fetch(url, init as RequestInit),
  };
}

/** The pipeline, reduced to: provider call (or script) and the translator's encoders. */
async function run(input: HttpInput, req: GatewayRequest): Promise<Response> {
  decoded.push(req);
  const call = { id: 'req_sdk', http: input } as unknown as CallContext;
  try {
    if (script.error) throw script.error;
    const body = { ...(req.body as ChatRequest), model: req.model.replace(/^gem\//, '') };
    if (req.stream) {
      const list = script.parts;
      const parts = list
        ? new ReadableStream<StreamPart>({ start(c) { for (const p of list) c.enqueue(p); c.close(); } })
        : await adapter.chat!.stream(body, attempt(body.model), call);
      return new Response(translator.encodeStream(parts, req, call), { headers: translator.streamHeaders?.(req, call) });
    }
    return translator.encodeResult(script.result ?? (await adapter.chat!.generate(body, attempt(body.model), call)), req, call);
  } catch (e) {
    return translator.encodeError(toGatewayError(e), call);
  }
}

const host: RouteHost = {
  providers: new Map(),
  aliases: { fast: 'gem/gemini-2.5-flash' },
  combos: {},
  async authenticate(input) {
    const key = input.headers.get('x-goog-api-key') ?? input.url.searchParams.get('key');
    if (key !== CLIENT_KEY) throw new GatewayError('GW_UNAUTHORIZED', 'Invalid API key.');
    return { id: 'k1', name: 'test', prefix: 'sy-' };
  },
  async listModels() {
    return [{ id: 'gem/gemini-2.5-flash', ownedBy: 'gem' }, { id: 'fast', ownedBy: 'switchyard-alias' }];
  },
  // This fake pipeline has no adapter that counts: a count gets the translator's estimate.
  run: async (t, input, req) => (req.operation === 'countTokens' ? t.encodeError(new GatewayError('GW_UNSUPPORTED', 'This fake pipeline counts nothing.')) : run(input, req)),
};

/** The gateway's router, reduced to this translator's routes (a trailing `:param` takes the rest of the path). */
function route(method: string, path: string): { spec: RouteSpec; params: Record<string, string> } | undefined {
  for (const spec of translator.routes) {
    if (spec.method !== method) continue;
    if (spec.path === path) return { spec, params: {} };
    const prefix = spec.path.replace(/:modelAction$/, '');
    if (prefix !== spec.path && path.startsWith(prefix) && path.length > prefix.length) {
      return { spec, params: { modelAction: decodeURIComponent(path.slice(prefix.length)) } };
    }
  }
  return undefined;
}

beforeAll(async () => {
  mock = await startMockGemini({ apiKey: UPSTREAM_KEY });
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const match = route(request.method, url.pathname);
      if (!match) return new Response('no route', { status: 404 });
      const input: HttpInput = { request, url, method: request.method, params: match.params, headers: request.headers };
      return match.spec.handle!(input, host);
    },
  });
  ai = new GoogleGenAI({ apiKey: CLIENT_KEY, httpOptions: { baseUrl: `http://127.0.0.1:${server.port}` } });
  beta = new GoogleGenAI({ apiKey: CLIENT_KEY, httpOptions: { baseUrl: `http://127.0.0.1:${server.port}`, apiVersion: 'v1beta' } });
});
afterAll(async () => {
  await server.stop(true);
  await mock.stop();
});
beforeEach(() => {
  script = {};
  decoded = [];
  mock.reset();
});

const MODEL = 'gem/gemini-2.5-flash';

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('@google/genai against the gemini dialect', () => {
  test('generateContent: a model name with a slash, text back, usage', async () => {
    const res = await ai.models.generateContent({ model: MODEL, contents: 'hello from the SDK', config: { maxOutputTokens: 64, temperature: 0.3 } });
    expect(res.text).toBe('hello from the SDK');
    expect(res.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(res.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(res.responseId).toBe('mockResp0000');
    expect(decoded[0]).toMatchObject({ model: MODEL, stream: false, body: { maxTokens: 64, temperature: 0.3 } });
    expect(mock.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  test('generateContent: a recorded function-call response parses as the SDK expects', async () => {
    const recorded = JSON.parse(readFileSync(`${FIXTURES}/generateContent-functionCall.response.json`, 'utf8'));
    mock.configure({ raw: { json: JSON.stringify(recorded) } });
    const res = await ai.models.generateContent({ model: MODEL, contents: 'put word: hello and word: world into a string' });
    expect(res.functionCalls).toEqual([{ name: 'concatStringFunction', args: { firstString: 'hello', secondString: 'world' } }]);
    expect(res.candidates?.[0].content?.parts?.[0].thoughtSignature).toBe(recorded.candidates[0].content.parts[0].thoughtSignature);
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 65, candidatesTokenCount: 22, thoughtsTokenCount: 77, totalTokenCount: 164 });
    expect(res.modelVersion).toBe('gemini-2.5-flash');
  });

  test('generateContentStream: chunks, the text in order, usage and finishReason on the last chunk', async () => {
    mock.configure({ chunkDelayMs: 10 });
    const stream = await beta.models.generateContentStream({ model: MODEL, contents: 'one two three four five six', config: { systemInstruction: 'Echo.' } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('one two three four five six');
    const last = chunks[chunks.length - 1];
    expect(last.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(last.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(decoded[0].stream).toBe(true);
    expect((decoded[0].body as ChatRequest).messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'Echo.' }] });
    expect(mock.requests[0].search).toBe('?alt=sse');
  });

  test('generateContentStream: a recorded stream replays to the same text', async () => {
    const sse = readFileSync(`${FIXTURES}/streamGenerateContent-systemInstruction.response.sse`, 'utf8');
    mock.configure({ raw: { sse } });
    const expected = sse.split('\r\n\r\n').filter(Boolean)
      .map((f) => JSON.parse(f.slice(6)).candidates[0].content.parts[0].text).join('');
    let text = '';
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'high' })) text += c.text ?? '';
    expect(text).toBe(expected);
  });

  test('function calling both ways: JSON-schema tools reach Gemini sanitized, the call and its response round-trip', async () => {
    const tools = [{
      functionDeclarations: [{
        name: 'get_weather',
        description: 'Weather for a city',
        parametersJsonSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false, properties: { location: { type: 'string' } }, required: ['location'] },
      }],
    }];
    const first = await ai.models.generateContent({ model: MODEL, contents: 'What is the weather in Paris?', config: { tools } });
    expect(first.functionCalls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    const modelTurn = first.candidates![0].content!;
    const stream = await ai.models.generateContentStream({
      model: MODEL,
      config: { tools },
      contents: [
        { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
        modelTurn,
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
      ],
    });
    let text = '';
    for await (const c of stream) text += c.text ?? '';
    expect(text).toBe('The tool said: {"temp":21}');
    const sent = mock.lastBody() as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    expect(sent.contents[1].parts[0].thoughtSignature).toBe(modelTurn.parts![0].thoughtSignature);
    expect(sent.contents[2].parts[0]).toEqual({ functionResponse: { name: 'get_weather', response: { temp: 21 } } });
  });

  test('streamed function call and thoughts, as Gemini CLI receives them', async () => {
    const stream = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'weather in Rome please',
      config: {
        thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
        tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' as never, properties: { location: { type: 'STRING' as never } } } }] }],
      },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const parts = chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []);
    expect(parts.find((p) => p.thought)?.text).toContain('The user said');
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    expect(calls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    expect(parts.find((p) => p.functionCall)?.thoughtSignature).toMatch(/^CmockSig/);
    expect((mock.lastBody() as { generationConfig: unknown }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
  });

  test('errors: the SDK reads status and Google status name', async () => {
    script = { error: new GatewayError('GW_RATE_LIMITED', 'Slow down.', { retryAfterMs: 2000 }) };
    const limited = await apiError(ai.models.generateContent({ model: MODEL, contents: 'x' }));
    expect(limited.status).toBe(429);
    expect(limited.message).toContain('RESOURCE_EXHAUSTED');
    script = {};
    mock.configure({ models: ['gemini-2.5-flash'] });
    const missing = await apiError(ai.models.generateContent({ model: 'gem/gemini-0-nope', contents: 'x' }));
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('NOT_FOUND');
    const invalid = await apiError(ai.models.generateContent({ model: MODEL, contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }));
    expect(invalid.status).toBe(400);
    expect(invalid.message).toContain('INVALID_ARGUMENT');
  });

  test('an error in the middle of a stream reaches the SDK as an ApiError after the first chunks', async () => {
    mock.configure({ streamErrorAfterChunks: 1 });
    const seen: string[] = [];
    const err = await apiError((async () => {
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'alpha beta gamma delta' })) seen.push(c.text ?? '');
    })());
    expect(seen.length).toBeGreaterThan(0);
    expect(err.status).toBe(503);
  });

  test('countTokens, models.get and models.list are answered by the translator', async () => {
    const count = await ai.models.countTokens({ model: MODEL, contents: 'a'.repeat(400) });
    expect(count.totalTokens).toBe(100);
    expect((await beta.models.countTokens({ model: MODEL, contents: 'a'.repeat(40) })).totalTokens).toBe(10);
    const model = await beta.models.get({ model: MODEL });
    expect(model.name).toBe(`models/${MODEL}`);
    expect(model.supportedActions).toContain('generateContent');
    const names: string[] = [];
    for await (const m of await beta.models.list()) names.push(m.name ?? '');
    expect(names).toEqual(['models/gem/gemini-2.5-flash', 'models/fast']);
    const unknown = await apiError(beta.models.get({ model: 'nope/nothing' }));
    expect(unknown.status).toBe(404);
  });

  test('a wrong client key is refused in Gemini\'s envelope', async () => {
    const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: `http://127.0.0.1:${server.port}` } });
    const err = await apiError(bad.models.countTokens({ model: MODEL, contents: 'x' }));
    expect(err.status).toBe(401);
    expect(err.message).toContain('UNAUTHENTICATED');
  });
});
