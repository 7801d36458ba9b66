/**
 * Vertex AI's partner models with an API of their own, Mistral AI (`mistralai/…`) and AI21 Labs
 * (`ai21/…`), through `type: vertex`, against the mock's `publishers/{mistralai|ai21}/models/
 * {model}:rawPredict|streamRawPredict`, which checks each body as its publisher does and answers
 * in the publisher's own JSON and SSE. The official `openai` SDK (non-streamed, streamed, tool
 * calls, usage) and `@anthropic-ai/sdk` (a Claude Code-style tool loop) on the translated lane;
 * Google's 429 and the fallback it triggers; the estimate for token counts; express-mode API
 * keys, which cannot call these models; Codestral's fill-in-the-middle, which is not served.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { AI21_CALL_ID, MISTRAL_CALL_ID } from '../helpers/mock-vertex-partners.ts';
import { GEMINI, LOCATION, PROJECT, readToolCallStream, startVertexKit, type VertexKit } from './vertex-kit.ts';

const MISTRAL = 'mistralai/mistral-medium-3';
const CODESTRAL = 'mistralai/codestral@2405';
const JAMBA = 'ai21/jamba-1.5-large@001';
const EXPRESS_KEY = 'express-key-partner-123456';
const at = (publisher: string, model: string, method: string) => `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/${publisher}/models/${model}:${method}`;
const MISTRAL_RAW = at('mistralai', 'mistral-medium-3', 'rawPredict');
const MISTRAL_STREAM = at('mistralai', 'mistral-medium-3', 'streamRawPredict');
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};
type Json = Record<string, any>;
let kit: VertexKit;
let openai: OpenAI;
let anthropic: Anthropic;
const sent = (i: number) => kit.mock.requests[i]!.body as Json;
const paths = () => kit.mock.requests.map((q) => q.path);

beforeAll(async () => {
  kit = await startVertexKit({
    mock: { apiKey: EXPRESS_KEY },
    extra: (mock) => `  vx:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    project: ${PROJECT}
    location: ${LOCATION}
    auth: { header: x-goog-api-key }
    keys: ["${EXPRESS_KEY}"]
combos:
  partner-first: { models: [vertex/${MISTRAL}, vertex/${GEMINI}] }
`,
  });
  openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
});
afterAll(() => kit.stop());
beforeEach(() => kit.mock.reset());

describe('Mistral AI, OpenAI SDK', () => {
  test('non-streamed: rawPredict with Mistral\'s body (its model name, only its own fields), text and usage back', async () => {
    const r = await openai.chat.completions.create({
      model: `vertex/${MISTRAL}`, max_completion_tokens: 64, seed: 7, user: 'u-1', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'bonjour mistral' }],
    });
    expect(r.choices[0]!.message.content).toBe('bonjour mistral');
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(paths()).toEqual([MISTRAL_RAW]);
    expect(sent(0)).toMatchObject({ model: 'mistral-medium-3', max_tokens: 64, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'bonjour mistral' }] });
    for (const field of ['max_completion_tokens', 'seed', 'user', 'stream_options']) expect(sent(0)).not.toHaveProperty(field);
    expect(kit.mock.requests[0]!.headers.authorization).toMatch(/^Bearer canary-vtx-/);
  });

  test('streamed: streamRawPredict with stream: true and no stream_options; the usage Mistral puts in its last chunk reaches a client that asked', async () => {
    const s = await openai.chat.completions.create({ model: `vertex/${MISTRAL}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream it please' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of s) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('stream it please');
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(paths()).toEqual([MISTRAL_STREAM]);
    expect(sent(0)).toMatchObject({ model: 'mistral-medium-3', stream: true });
    expect(sent(0)).not.toHaveProperty('stream_options');
  });

  test('a client field Mistral does not define: Mistral\'s 422 reaches the client with its message, as from Mistral itself', async () => {
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${MISTRAL}`, store: true, messages: [{ role: 'user', content: 'strict' }] } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).error).toMatchObject({ message: 'store: Extra inputs are not permitted', param: 'store' });
    expect(paths()).toEqual([MISTRAL_RAW]);
  });

  test('a streamed tool call (Mistral sends it whole, without type) works with the SDK\'s stream helper; its result goes back under Mistral\'s id', async () => {
    const final = await openai.chat.completions.stream({ model: `vertex/${MISTRAL}`, tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] }).finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect([call.id, call.type, call.function.name, JSON.parse(call.function.arguments), final.choices[0]!.finish_reason]).toEqual([MISTRAL_CALL_ID, 'function', 'get_weather', { location: 'Paris' }, 'tool_calls']);
    const r = await openai.chat.completions.create({
      model: `vertex/${MISTRAL}`, tools: [weather],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' }, { role: 'user', content: 'thanks' }],
    });
    expect(r.choices[0]!.message.content).toBe('thanks');
    expect(sent(1).messages.map((m: Json) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
  });

  test('a versioned id: the URL keeps @2405, the body names the model without it', async () => {
    await openai.chat.completions.create({ model: `vertex/${CODESTRAL}`, messages: [{ role: 'user', content: 'def add(a, b):' }] });
    expect(paths()).toEqual([at('mistralai', 'codestral@2405', 'rawPredict')]);
    expect(sent(0).model).toBe('codestral');
  });
});

describe('AI21 Labs, OpenAI SDK', () => {
  test('non-streamed and streamed: no model and no stream in the body, the method says which; text and usage back', async () => {
    const r = await openai.chat.completions.create({ model: `vertex/${JAMBA}`, max_tokens: 32, messages: [{ role: 'user', content: 'hello jamba' }] });
    expect([r.choices[0]!.message.content, r.usage!.prompt_tokens > 0]).toEqual(['hello jamba', true]);
    const s = await openai.chat.completions.create({ model: `vertex/${JAMBA}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'jamba streams token by token' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of s) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('jamba streams token by token');
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
    expect(paths()).toEqual([at('ai21', 'jamba-1.5-large@001', 'rawPredict'), at('ai21', 'jamba-1.5-large@001', 'streamRawPredict')]);
    for (const i of [0, 1]) for (const field of ['model', 'stream', 'stream_options']) expect(sent(i)).not.toHaveProperty(field);
    expect(sent(0)).toMatchObject({ max_tokens: 32, messages: [{ role: 'user', content: 'hello jamba' }] });
  });

  test('a streamed tool call in argument fragments; AI21\'s finish reason "stop" comes back as tool_calls', async () => {
    const s = await openai.chat.completions.create({ model: `vertex/${JAMBA}`, stream: true, tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Lyon?' }] });
    const { id, name, fragments, finish } = await readToolCallStream(s);
    expect([id, name, finish]).toEqual([AI21_CALL_ID, 'get_weather', 'tool_calls']);
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ location: 'Lyon' });
  });
});

describe('Anthropic SDK: translated to the publisher\'s body', () => {
  test('Mistral: a Claude Code-style tool loop (toolu_ ids, text beside the tool result) is accepted; the streamed call comes back as tool_use', async () => {
    const tool = { name: 'get_weather', description: 'Weather of a city', input_schema: weather.function.parameters as Anthropic.Tool.InputSchema };
    const final = await anthropic.messages.stream({ model: `vertex/${MISTRAL}`, max_tokens: 64, tools: [tool], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] }).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ id: MISTRAL_CALL_ID, name: 'get_weather', input: { location: 'Paris' } });
    const r = await anthropic.messages.create({
      model: `vertex/${MISTRAL}`, max_tokens: 64, system: 'Be brief.', tools: [tool],
      messages: [
        { role: 'user', content: 'What is the weather in Rome?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'Rome' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: 'Sunny, 22 C' }, { type: 'text', text: 'and tomorrow' }] },
      ],
    });
    expect(r.content).toEqual([expect.objectContaining({ type: 'text', text: 'and tomorrow' })]);
    const [, , assistant, tool_, bridge, user] = sent(1).messages as Json[];
    expect(assistant.tool_calls[0].id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(tool_).toMatchObject({ role: 'tool', tool_call_id: assistant.tool_calls[0].id });
    expect([bridge.role, user.role]).toEqual(['assistant', 'user']);
  });

  test('AI21: text, and token counts get the gateway\'s estimate with nothing sent upstream', async () => {
    const r = await anthropic.messages.create({ model: `vertex/${JAMBA}`, max_tokens: 64, messages: [{ role: 'user', content: 'cross to jamba' }] });
    expect(r.content).toEqual([expect.objectContaining({ type: 'text', text: 'cross to jamba' })]);
    expect(r.usage.input_tokens).toBeGreaterThan(0);
    kit.mock.reset();
    for (const model of [MISTRAL, JAMBA]) {
      const c = await anthropic.messages.countTokens({ model: `vertex/${model}`, messages: [{ role: 'user', content: 'count me, roughly' }] });
      expect(c.input_tokens).toBeGreaterThan(0);
    }
    expect(kit.mock.requests).toEqual([]);
  });
});

describe('Google errors and fallback', () => {
  test('429 RESOURCE_EXHAUSTED: a combo goes on to its next target at once; alone, its RetryInfo wait is the Retry-After', async () => {
    kit.mock.script([{ status: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.', retryDelay: '30s' }]);
    const r = await openai.chat.completions.create({ model: 'partner-first', messages: [{ role: 'user', content: 'fallback to gemini' }] });
    expect(r.choices[0]!.message.content).toBe('fallback to gemini');
    expect(paths()).toEqual([MISTRAL_RAW, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${GEMINI}:generateContent`]);
    kit.mock.script([{ status: 429, message: 'Resource exhausted. Please try again later.', retryDelay: '17s' }]);
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${JAMBA}`, messages: [{ role: 'user', content: 'x' }] } });
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '17']);
    expect(await res.text()).toContain('Resource exhausted. Please try again later.');
  });

  test('a stream cut mid-way: the chunks sent arrive, then one error frame, no [DONE]', async () => {
    kit.mock.script([{ dropAfterEvents: 3 }]);
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${MISTRAL}`, stream: true, messages: [{ role: 'user', content: 'a long answer to cut here' }] } });
    const text = await res.text();
    expect(res.status).toBe(200);
    const frames = text.split('\n\n').filter(Boolean).map((f) => JSON.parse(f.replace(/^data: /, '')) as Json);
    expect(frames.map((f) => f.choices?.[0]?.delta.content ?? (f.error ? 'error' : '?'))).toEqual(['', 'a ', 'long ', 'error']);
    expect(text).not.toContain('[DONE]');
  });
});

describe('credentials', () => {
  test('an API key (express mode) cannot call partner models: a clear 400 before any upstream call (Vertex answers 401 to one)', async () => {
    for (const model of [MISTRAL, JAMBA]) {
      const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vx/${model}`, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(400);
      const message = ((await res.json()) as { error: { message: string } }).error.message;
      expect(message).toContain('API key (express mode)');
      expect(message).toContain('OAuth access token');
    }
    expect(kit.mock.requests).toEqual([]);
    const direct = await fetch(kit.mock.url + MISTRAL_RAW, { method: 'POST', headers: { 'x-goog-api-key': EXPRESS_KEY, 'content-type': 'application/json' }, body: '{}' });
    expect(direct.status).toBe(401);
  });
});

describe('the mock refuses what Mistral refuses', () => {
  const post = (path: string, body: Json) => fetch(kit.mock.url + path, {
    method: 'POST', headers: { authorization: `Bearer ${kit.mock.issued().at(-1)}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  test('a stream that does not match the method, a versioned or qualified model in the body, stream_options, a foreign tool call id', async () => {
    await openai.chat.completions.create({ model: `vertex/${MISTRAL}`, messages: [{ role: 'user', content: 'token please' }] });
    const ok = { model: 'mistral-medium-3', messages: [{ role: 'user', content: 'x' }] };
    expect((await post(MISTRAL_RAW, ok)).status).toBe(200);
    expect((await post(MISTRAL_STREAM, ok)).status).toBe(400);
    expect((await post(MISTRAL_RAW, { ...ok, stream: true })).status).toBe(400);
    expect((await post(at('mistralai', 'codestral@2405', 'rawPredict'), { ...ok, model: 'codestral@2405' })).status).toBe(400);
    expect((await post(MISTRAL_RAW, { ...ok, model: MISTRAL })).status).toBe(400);
    expect((await post(MISTRAL_STREAM, { ...ok, stream: true, stream_options: { include_usage: true } })).status).toBe(422);
    const call = { id: 'call_abc123', type: 'function', function: { name: 'f', arguments: '{}' } };
    expect((await post(MISTRAL_RAW, { ...ok, messages: [{ role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: 'r' }] })).status).toBe(400);
  });
});

describe('Codestral fill-in-the-middle', () => {
  test('not served: a legacy completion with a suffix is refused before any upstream call; without one, the prompt goes as a chat message', async () => {
    const fim = await kit.t.fetch('/v1/completions', { method: 'POST', json: { model: `vertex/${CODESTRAL}`, prompt: 'def add(a, b):', suffix: 'return c' } });
    expect(fim.status).toBe(400);
    expect(kit.mock.requests).toEqual([]);
    const res = await kit.t.fetch('/v1/completions', { method: 'POST', json: { model: `vertex/${CODESTRAL}`, prompt: 'def add(a, b):' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).choices[0].text).toBe('def add(a, b):');
    expect(sent(0)).toMatchObject({ model: 'codestral', messages: [{ role: 'user', content: 'def add(a, b):' }] });
  });
});
