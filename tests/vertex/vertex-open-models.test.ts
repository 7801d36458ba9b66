/**
 * Vertex AI's open models (MaaS: Llama, DeepSeek, Qwen, gpt-oss… named `publisher/model`) through
 * `type: vertex`, with the official SDKs, against the mock Vertex AI's OpenAI-compatible Chat
 * Completions endpoint: every client dialect; OpenAI clients on the passthrough lane (their body
 * with only `model` changed, the upstream's bytes back); streamed usage and tool calls; Google's
 * errors mapped as for the other publishers; the estimate for token counts; and express-mode API
 * keys, which cannot call these models.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizedUserFile, createTestUser } from '../helpers/mock-vertex.ts';
import { DIALECTS } from '../oauth/sdk-kit.ts';
import { GEMINI, LOCATION, OPEN, PROJECT, readToolCallStream, startVertexKit, type VertexKit } from './vertex-kit.ts';

const EXPRESS_KEY = 'express-key-open-123456';
const BILLING = 'billing-project';
const CHAT_PATH = `/v1/projects/${PROJECT}/locations/${LOCATION}/endpoints/openapi/chat/completions`;
const user = createTestUser();
const dir = mkdtempSync(join(tmpdir(), 'vertex-open-'));
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};
let kit: VertexKit;
let openai: OpenAI;
let anthropic: Anthropic;
type Sent = { model?: string; stream?: boolean; stream_options?: unknown; messages?: unknown[]; tools?: Array<{ type: string }> };
const sent = (i: number) => kit.mock.requests[i]!.body as Sent;

beforeAll(async () => {
  kit = await startVertexKit({
    mock: { apiKey: EXPRESS_KEY, user, quotaProjects: [PROJECT, BILLING] },
    extra: `combos:
  open-first: { models: [vertex/${OPEN}, vertex/${GEMINI}] }
`,
  });
  openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
});
afterAll(async () => {
  await kit.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => kit.mock.reset());

describe.each(DIALECTS)('%s client', (_name, via) => {
  test('an open model: Chat Completions under the project and location, the publisher-qualified id in the body', async () => {
    const r = await via(kit.t, `vertex/${OPEN}`, 'hello llama');
    expect(r.text).toContain('hello llama');
    expect(r.streamed).toContain('hello llama streamed');
    expect(kit.mock.requests.map((q) => q.path)).toEqual([CHAT_PATH, CHAT_PATH]);
    expect([sent(0).model, sent(1).model]).toEqual([OPEN, OPEN]);
    expect([sent(0).stream === true, sent(1).stream]).toEqual([false, true]);
    expect(kit.mock.requests.every((q) => q.headers.authorization?.startsWith('Bearer canary-vtx-'))).toBe(true);
  });
});

describe('OpenAI SDK on an open model: the passthrough lane', () => {
  test('the client body goes with only model changed, and the upstream bytes come back unchanged', async () => {
    const body = {
      model: `vertex/${OPEN}`, max_tokens: 64, temperature: 0.2, seed: 7, top_k: 40, chat_template_kwargs: { enable_thinking: false },
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'passthrough please' }],
    };
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: body });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(kit.mock.requests[0]!.body).toEqual({ ...body, model: OPEN });
    expect(JSON.parse(text)).toMatchObject({ object: 'chat.completion', model: OPEN, choices: [{ message: { content: 'passthrough please' } }] });
    // The inner OpenAI mock pretty-prints its JSON: a re-encoded reply would be compact.
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  test('non-streamed reply with usage; streamed with include_usage: the usage chunk (choices: []) arrives last', async () => {
    const r = await openai.chat.completions.create({ model: `vertex/${OPEN}`, messages: [{ role: 'user', content: 'count my tokens' }] });
    expect(r.choices[0]!.message.content).toBe('count my tokens');
    const { prompt_tokens: input, completion_tokens: output, total_tokens: total } = r.usage!;
    expect([input > 0, output > 0, total]).toEqual([true, true, input + output]);
    const s = await openai.chat.completions.create({ model: `vertex/${OPEN}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream with usage' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of s) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('stream with usage');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((c) => !c.usage)).toBe(true);
    expect(sent(1)).toMatchObject({ model: OPEN, stream: true, stream_options: { include_usage: true } });
  });

  test('streamed bytes are Vertex\'s; without include_usage the gateway asks for usage upstream and keeps the chunk from the client', async () => {
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${OPEN}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'raw bytes' }] } });
    const raw = await res.text();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // The upstream's own framing and key order (a re-encoded chunk has no system_fingerprint).
    expect(raw).toContain(`"object":"chat.completion.chunk","created":`);
    expect(raw).toContain(`"model":"${OPEN}","system_fingerprint":"fp_mock","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null}`);
    expect(raw).toMatch(/"choices":\[\],"usage":\{"prompt_tokens":\d+/);
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    const s = await openai.chat.completions.create({ model: `vertex/${OPEN}`, stream: true, messages: [{ role: 'user', content: 'no usage asked' }] });
    let text = '';
    for await (const c of s) {
      expect(c.usage ?? undefined).toBeUndefined();
      text += c.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('no usage asked');
    expect(sent(1)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test('a tool call with streamed arguments, and its result sent back in', async () => {
    const s = await openai.chat.completions.create({ model: `vertex/${OPEN}`, stream: true, tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    const { id, name, fragments, finish } = await readToolCallStream(s);
    expect([name, finish]).toEqual(['get_weather', 'tool_calls']);
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ location: 'Paris' });
    // The mock refuses a tool call without its result, as OpenAI does.
    const call = { id, type: 'function' as const, function: { name, arguments: fragments.join('') } };
    await openai.chat.completions.create({
      model: `vertex/${OPEN}`, tools: [weather],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: id, content: 'sunny, 21 C' }],
    });
    expect(sent(1).messages!.at(-1)).toEqual({ role: 'tool', tool_call_id: id, content: 'sunny, 21 C' });
  });
});

describe('Anthropic SDK on an open model: translated to Chat Completions', () => {
  test('text and a streamed tool call come back as Messages; the upstream got an OpenAI body', async () => {
    const r = await anthropic.messages.create({ model: `vertex/${OPEN}`, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'cross lane' }] });
    expect(r.content).toEqual([expect.objectContaining({ type: 'text', text: 'cross lane' })]);
    expect(r.usage.input_tokens).toBeGreaterThan(0);
    expect(sent(0)).toMatchObject({ model: OPEN, max_tokens: 64, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'cross lane' }] });
    const tool = { name: 'get_weather', description: 'Weather of a city', input_schema: weather.function.parameters as Anthropic.Tool.InputSchema };
    const final = await anthropic.messages.stream({ model: `vertex/${OPEN}`, max_tokens: 64, tools: [tool], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] }).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
    expect(sent(1)).toMatchObject({ model: OPEN, stream: true, tools: [{ type: 'function' }] });
  });

  test('token counts: Vertex has none for open models, so the client gets the estimate and nothing goes upstream', async () => {
    const r = await anthropic.messages.countTokens({ model: `vertex/${OPEN}`, messages: [{ role: 'user', content: 'count me, roughly' }] });
    expect(r.input_tokens).toBeGreaterThan(0);
    expect(kit.mock.requests).toEqual([]);
  });
});

describe('Google errors', () => {
  test('429 RESOURCE_EXHAUSTED: the RetryInfo wait as Retry-After (passthrough and translated lanes)', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages']) {
      kit.mock.script([{ status: 429, message: 'Resource exhausted. Please try again later.', retryDelay: '17s' }]);
      const res = await kit.t.fetch(path, { method: 'POST', json: { model: `vertex/${OPEN}`, max_tokens: 32, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('17');
      expect(await res.text()).toContain('Resource exhausted. Please try again later.');
    }
    expect(kit.mock.requests.map((q) => [q.path, q.fault?.status])).toEqual([[CHAT_PATH, 429], [CHAT_PATH, 429]]);
  });

  test('the 429 is retryable: a combo goes on to its next target at once', async () => {
    kit.mock.script([{ status: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.', retryDelay: '30s' }]);
    const r = await openai.chat.completions.create({ model: 'open-first', messages: [{ role: 'user', content: 'fallback to gemini' }] });
    expect(r.choices[0]!.message.content).toBe('fallback to gemini');
    expect(kit.mock.requests.map((q) => q.path)).toEqual([CHAT_PATH, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${GEMINI}:generateContent`]);
  });

  test('403 (a model not enabled in the project) is the gateway\'s problem: 502, not the client\'s 403', async () => {
    kit.mock.script([{ status: 403, message: 'Permission denied: the model is not enabled for this project.' }]);
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${OPEN}`, messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Permission denied');
    expect(kit.mock.requests.map((q) => q.path)).toEqual([CHAT_PATH]);
  });

  test('an OpenAI-shaped error of the model server keeps OpenAI\'s mapping (400 with its message)', async () => {
    const res = await kit.t.fetch('/v1/chat/completions', {
      method: 'POST',
      json: { model: `vertex/${OPEN}`, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('did not have response messages: call_1');
  });

  test('a stream cut mid-way: the chunks sent arrive, then one error frame, no [DONE]', async () => {
    kit.mock.script([{ dropAfterEvents: 3 }]);
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${OPEN}`, stream: true, messages: [{ role: 'user', content: 'a long answer to cut here' }] } });
    const text = await res.text();
    expect(res.status).toBe(200);
    const frames = text.split('\n\n').filter(Boolean).map((f) => JSON.parse(f.replace(/^data: /, '')) as { object?: string; error?: unknown });
    expect(frames.map((f) => f.object ?? (f.error ? 'error' : '?'))).toEqual(['chat.completion.chunk', 'chat.completion.chunk', 'chat.completion.chunk', 'error']);
    expect(text).not.toContain('[DONE]');
  });

  test('a revoked token: the 401 renews it once and the call is sent again', async () => {
    kit.mock.revokeTokens();
    const exchanges = kit.mock.exchanges.length;
    const r = await openai.chat.completions.create({ model: `vertex/${OPEN}`, messages: [{ role: 'user', content: 'after revoke' }] });
    expect(r.choices[0]!.message.content).toBe('after revoke');
    expect(kit.mock.exchanges.length).toBe(exchanges + 1);
    expect(kit.mock.requests.map((q) => q.path)).toEqual([CHAT_PATH, CHAT_PATH]);
  });
});

describe('credentials', () => {
  test('an API key (express mode) cannot call an open model: a clear 400 before any upstream call; Gemini still works', async () => {
    const quota = join(dir, 'billed.json');
    writeFileSync(quota, JSON.stringify(authorizedUserFile(user, { tokenUri: kit.mock.tokenUri, quotaProjectId: BILLING })));
    await kit.t.writeConfig(`
providers:
${kit.entry}  vx:
    type: vertex
    base_url: ${kit.mock.url}
    allow_private_network: true
    auth: { header: x-goog-api-key }
    keys: ["${EXPRESS_KEY}"]
  billed:
    type: vertex
    base_url: ${kit.mock.url}
    allow_private_network: true
    project: ${PROJECT}
    location: ${LOCATION}
    credentials: ${quota}
`);
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vx/${OPEN}`, messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(400);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('API key (express mode)');
    expect(message).toContain('OAuth access token');
    expect(kit.mock.requests).toEqual([]);
    const g = await openai.chat.completions.create({ model: `vx/${GEMINI}`, messages: [{ role: 'user', content: 'express gemini' }] });
    expect(g.choices[0]!.message.content).toBe('express gemini');
  });

  test('gcloud user credentials: the quota project goes as x-goog-user-project', async () => {
    const r = await openai.chat.completions.create({ model: `billed/${OPEN}`, messages: [{ role: 'user', content: 'billed' }] });
    expect(r.choices[0]!.message.content).toBe('billed');
    expect(kit.mock.requests.map((q) => [q.path, (q.body as Sent).model, q.headers['x-goog-user-project']])).toEqual([[CHAT_PATH, OPEN, BILLING]]);
    expect(kit.mock.requests[0]!.headers.authorization).toMatch(/^Bearer canary-vtx-u/);
  });
});
