/**
 * Every client dialect through `type: vertex`, with the official SDKs, against the mock Vertex
 * AI: Gemini models on `generateContent` / `streamGenerateContent?alt=sse`, Claude models on
 * `rawPredict` / `streamRawPredict` with Vertex's body, and an Anthropic client's own body for
 * Claude on the passthrough lane.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { DIALECTS } from '../oauth/sdk-kit.ts';
import { CLAUDE, GEMINI, LOCATION, PROJECT, startVertexKit, type VertexKit } from './vertex-kit.ts';

let kit: VertexKit;
const base = `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers`;
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

beforeAll(async () => {
  kit = await startVertexKit();
});
afterAll(() => kit.stop());
beforeEach(() => kit.mock.reset());

describe.each(DIALECTS)('%s client', (_name, via) => {
  test('Gemini on Vertex: generateContent and streamGenerateContent?alt=sse under the project path', async () => {
    const r = await via(kit.t, `vertex/${GEMINI}`, 'hello gemini');
    expect(r.text).toContain('hello gemini');
    expect(r.streamed).toContain('hello gemini streamed');
    expect(kit.mock.requests.map((q) => q.path)).toEqual([
      `${base}/google/models/${GEMINI}:generateContent`,
      `${base}/google/models/${GEMINI}:streamGenerateContent?alt=sse`,
    ]);
    expect(kit.mock.requests.every((q) => q.headers.authorization?.startsWith('Bearer canary-vtx-'))).toBe(true);
  });

  test('Claude on Vertex: rawPredict and streamRawPredict, anthropic_version in the body, no model', async () => {
    const r = await via(kit.t, `vertex/${CLAUDE}`, 'hello claude');
    expect(r.text).toContain('hello claude');
    expect(r.streamed).toContain('hello claude streamed');
    expect(kit.mock.requests.map((q) => q.path)).toEqual([`${base}/anthropic/models/${CLAUDE}:rawPredict`, `${base}/anthropic/models/${CLAUDE}:streamRawPredict`]);
    for (const q of kit.mock.requests) {
      expect(q.body).toMatchObject({ anthropic_version: 'vertex-2023-10-16' });
      expect(q.body).not.toHaveProperty('model');
    }
  });
});

describe('Anthropic SDK on Claude: the passthrough lane', () => {
  test('the client body goes as sent (model out, anthropic_version in) and the upstream bytes come back unchanged', async () => {
    const body = { model: `vertex/${CLAUDE}`, max_tokens: 64, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'passthrough please' }] };
    const res = await kit.t.fetch('/v1/messages', { method: 'POST', json: body, headers: { 'anthropic-version': '2023-06-01' } });
    const text = await res.text();
    expect(res.status).toBe(200);
    const sent = kit.mock.requests[0]!;
    const { model: _m, ...rest } = body;
    expect(sent.body).toEqual({ ...rest, anthropic_version: 'vertex-2023-10-16' });
    // The inner Anthropic mock pretty-prints its JSON: a re-encoded reply would be compact.
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  test('streaming: the SDK reads Vertex\'s SSE as it was sent', async () => {
    const client = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const stream = client.messages.stream({ model: `vertex/${CLAUDE}`, max_tokens: 64, messages: [{ role: 'user', content: 'stream through' }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'stream through' })]);
    expect(kit.mock.requests[0]!.path).toBe(`${base}/anthropic/models/${CLAUDE}:streamRawPredict`);
    expect(kit.mock.requests[0]!.body).toMatchObject({ stream: true, anthropic_version: 'vertex-2023-10-16' });
    // The upstream's own bytes: its key order and usage detail (a re-encoded message_start has neither).
    const res = await kit.t.fetch('/v1/messages', { method: 'POST', json: { model: `vertex/${CLAUDE}`, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'raw bytes' }] } });
    const raw = await res.text();
    expect(raw).toContain(`"role":"assistant","model":"${CLAUDE}","content":[]`);
    expect(raw).toContain('"cache_creation":{"ephemeral_5m_input_tokens":0');
  });

  test('adaptive thinking (Claude Code on 4.6 and later) for an older Claude: Vertex\'s refusal is read, the turn goes with a budget, and so does the next at once', async () => {
    const client = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const turn = () => client.messages.create({
      model: `vertex/${CLAUDE}`, max_tokens: 16000, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'think first' }],
    } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    const r = await turn();
    expect(r.content.some((b) => b.type === 'text')).toBe(true);
    expect(kit.mock.requests).toHaveLength(2);
    expect(kit.mock.requests[0]!.body).toMatchObject({ thinking: { type: 'adaptive' } });
    expect(kit.mock.requests[1]!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: expect.any(Number) } });
    await turn();
    expect(kit.mock.requests).toHaveLength(3);
    expect(kit.mock.requests[2]!.body).toMatchObject({ thinking: { type: 'enabled' } });
  });

  test('an Anthropic client asking for a Gemini model is translated, not forwarded', async () => {
    const client = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const r = await client.messages.create({ model: `vertex/${GEMINI}`, max_tokens: 64, messages: [{ role: 'user', content: 'cross lane' }] });
    expect(r.content).toEqual([expect.objectContaining({ type: 'text', text: 'cross lane' })]);
    expect(kit.mock.requests[0]!.body).toHaveProperty('contents');
  });
});

describe('Gemini client on Gemini: the passthrough lane', () => {
  test('the client body goes as sent, and the upstream bytes come back unchanged', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'gemini passthrough' }] }], labels: { team: 'search' }, generationConfig: { maxOutputTokens: 64, seed: 7 } };
    const res = await kit.t.fetch(`/v1beta/models/vertex/${GEMINI}:generateContent`, { method: 'POST', json: body });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(kit.mock.requests[0]!.path).toBe(`${base}/google/models/${GEMINI}:generateContent`);
    // `labels` (Vertex's billing labels) has no place in the hub: only the client's own body carries it.
    expect(kit.mock.requests[0]!.body).toEqual(body);
    expect(JSON.parse(text).candidates[0].content.parts[0].text).toContain('gemini passthrough');
    // The inner Gemini mock pretty-prints its JSON: a re-encoded reply would be compact.
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });
});

describe('Gemini CLI\'s call ids on Vertex', () => {
  /**
   * Gemini CLI puts an `id` on its function calls and responses (the Gemini API defines one),
   * and Vertex AI refuses them ("Unknown name \"id\" at 'contents[1].parts[0].function_call':
   * Cannot find field."): every turn after its first tool call failed.
   */
  test('the ids are left out of every call and response, and the next turn goes without them at once', async () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'Read the README.' }] },
        { role: 'model', parts: [{ functionCall: { id: 'call-1', name: 'read_file', args: { path: 'README.md' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'call-1', name: 'read_file', response: { output: '# Switchyard' } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'read_file', parameters: { type: 'OBJECT', properties: { path: { type: 'STRING' } } } }] }],
    };
    const turn = () => kit.t.fetch(`/v1beta/models/vertex/${GEMINI}:generateContent`, { method: 'POST', json: body });
    const res = await turn();
    expect(res.status).toBe(200);
    expect(kit.mock.requests).toHaveLength(2);
    const sent = kit.mock.requests[1]!.body as typeof body;
    expect(sent.contents[1]!.parts[0] as unknown).toEqual({ functionCall: { name: 'read_file', args: { path: 'README.md' } } });
    expect(sent.contents[2]!.parts[0] as unknown).toEqual({ functionResponse: { name: 'read_file', response: { output: '# Switchyard' } } });
    expect((await turn()).status).toBe(200);
    expect(kit.mock.requests).toHaveLength(3);
    expect(kit.mock.requests[2]!.body).toEqual(sent);
  });
});

describe('tool calls', () => {
  test('OpenAI client, Gemini and Claude: a tool call comes back, and the result goes back in', async () => {
    const client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
    for (const model of [GEMINI, CLAUDE]) {
      const first = await client.chat.completions.create({ model: `vertex/${model}`, tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
      const call = first.choices[0]!.message.tool_calls![0]!;
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      expect(call.type === 'function' && call.function.name).toBe('get_weather');
      const second = await client.chat.completions.create({
        model: `vertex/${model}`, tools: [weather],
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' }],
      });
      expect(second.choices[0]!.message.content).toContain('sunny, 21 C');
    }
  });

  test('streamed tool call from Claude and from Gemini (OpenAI client)', async () => {
    const client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
    for (const model of [GEMINI, CLAUDE]) {
      let name = '';
      let args = '';
      const s = await client.chat.completions.create({ model: `vertex/${model}`, stream: true, tools: [weather], messages: [{ role: 'user', content: 'weather in Paris?' }] });
      for await (const c of s) {
        const tc = c.choices[0]?.delta.tool_calls?.[0];
        name += tc?.function?.name ?? '';
        args += tc?.function?.arguments ?? '';
      }
      expect(name).toBe('get_weather');
      expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    }
  });

  test('Gemini client (@google/genai): function call on a Gemini model', async () => {
    const ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url, apiVersion: 'v1beta' } });
    const r = await ai.models.generateContent({
      model: `vertex/${GEMINI}`, contents: 'weather in Paris?',
      config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: weather.function.parameters }] }] },
    });
    expect(r.functionCalls?.[0]).toMatchObject({ name: 'get_weather', args: { location: 'Paris' } });
  });
});

describe('token counts', () => {
  test('Anthropic count_tokens on Claude → count-tokens:rawPredict with the model in the body', async () => {
    const client = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const r = await client.messages.countTokens({ model: `vertex/${CLAUDE}`, messages: [{ role: 'user', content: 'count me' }] });
    expect(r.input_tokens).toBeGreaterThan(0);
    expect(kit.mock.requests[0]!.path).toBe(`${base}/anthropic/models/count-tokens:rawPredict`);
    expect(kit.mock.requests[0]!.body).toMatchObject({ model: CLAUDE, anthropic_version: 'vertex-2023-10-16' });
  });

  test('Gemini countTokens → Vertex :countTokens without the generateContentRequest wrapper', async () => {
    const ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url, apiVersion: 'v1beta' } });
    const r = await ai.models.countTokens({ model: `vertex/${GEMINI}`, contents: 'count me too' });
    expect(r.totalTokens).toBeGreaterThan(0);
    expect(kit.mock.requests[0]!.path).toBe(`${base}/google/models/${GEMINI}:countTokens`);
    const client = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const other = await client.messages.countTokens({ model: `vertex/${GEMINI}`, system: 'sys', messages: [{ role: 'user', content: 'count me' }] });
    expect(other.input_tokens).toBeGreaterThan(0);
    expect(Object.keys(kit.mock.requests[1]!.body as object).sort()).toEqual(['contents', 'systemInstruction']);
  });
});
