/**
 * The Gemini dialect and the `gemini` provider inside the real gateway (pipeline, auth, routing,
 * passthrough lane), with `@google/genai` as the client and the mock Gemini API upstream. Also
 * crosses dialects: a Gemini client served by a non-Gemini upstream is covered by the
 * conformance matrix; here an OpenAI-dialect client reaches the Gemini upstream.
 */
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startMockGemini, type MockGemini } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

const UPSTREAM_KEY = 'AIzaSy-gateway-test-upstream';
let mock: MockGemini;
let gw: TestGateway;
let ai: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockGemini({ apiKey: UPSTREAM_KEY });
  gw = await startTestGateway(`
providers:
  gem:
    type: gemini
    base_url: ${mock.url}
    allow_private_network: true
    keys: ["${UPSTREAM_KEY}"]
    models: [gemini-2.5-flash]
aliases:
  fast: gem/gemini-2.5-flash
`);
  ai = new GoogleGenAI({ apiKey: gw.key, httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } });
});
afterAll(async () => {
  await gw?.stop();
  await mock?.stop();
});
beforeEach(() => mock.reset());

describe('Gemini client → gateway → Gemini upstream', () => {
  test('generateContent takes the passthrough lane: the client body reaches Gemini unchanged', async () => {
    const res = await ai.models.generateContent({ model: 'gem/gemini-2.5-flash', contents: 'through the gateway', config: { temperature: 0.1 } });
    expect(res.text).toBe('through the gateway');
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(mock.requests[0].headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(mock.requests[0].body).toEqual({ contents: [{ parts: [{ text: 'through the gateway' }], role: 'user' }], generationConfig: { temperature: 0.1 } });
    // A snake_case body arrives as written: only the passthrough lane keeps it so.
    const body = { contents: [{ role: 'user', parts: [{ text: 'snake' }] }], generation_config: { max_output_tokens: 50 } };
    const raw = await gw.fetch('/v1beta/models/gem/gemini-2.5-flash:generateContent', { method: 'POST', json: body });
    expect(raw.status).toBe(200);
    expect(mock.requests[1].body).toEqual(body);
  });

  test('a stream without alt=sse is a JSON array, also on the passthrough lane', async () => {
    const res = await gw.fetch('/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent', {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'array please' }] }] },
    });
    expect(res.headers.get('content-type')).toContain('application/json');
    const chunks = JSON.parse(await res.text()) as Array<{ candidates: Array<{ content: { parts?: Array<{ text: string }> } }> }>;
    expect(chunks.map((c) => c.candidates[0].content.parts?.[0]?.text ?? '').join('')).toBe('array please');
  });

  test('streaming through an alias, SSE end to end', async () => {
    mock.configure({ chunkDelayMs: 5 });
    let text = '';
    let last: unknown;
    for await (const c of await ai.models.generateContentStream({ model: 'fast', contents: 'alpha beta gamma delta' })) {
      text += c.text ?? '';
      last = c;
    }
    expect(text).toBe('alpha beta gamma delta');
    expect(last).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { totalTokenCount: expect.any(Number) } });
    expect(mock.requests[0].search).toBe('?alt=sse');
  });

  test('keep-alive while the upstream is silent is a line break, which every @google/genai skips (a comment stops 1.30, Gemini CLI\'s)', async () => {
    await gw.writeConfig(`
server: { keepalive_ms: 40 }
providers:
  gem: { type: gemini, base_url: ${mock.url}, allow_private_network: true, keys: ["${UPSTREAM_KEY}"], models: [gemini-2.5-flash] }
`);
    mock.configure({ chunkDelayMs: 150 });
    const res = await gw.fetch('/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'slow words here' }] }] },
    });
    const raw = await res.text();
    expect(raw).not.toContain(': keep-alive');
    expect(raw).toMatch(/\r\n\r\n(\r\n)+data: /); // keep-alives between events
    // @google/genai 1.30's parser: events must match this at the start of its buffer.
    let buffer = raw;
    const texts: string[] = [];
    for (let m = /^\s*data: (.*)(?:\n\n|\r\r|\r\n\r\n)/.exec(buffer); m; m = /^\s*data: (.*)(?:\n\n|\r\r|\r\n\r\n)/.exec(buffer)) {
      texts.push(...(JSON.parse(m[1]!).candidates?.[0]?.content?.parts ?? []).map((p: { text?: string }) => p.text ?? ''));
      buffer = buffer.slice(m[0].length);
    }
    expect(buffer.trim()).toBe('');
    expect(texts.join('')).toBe('slow words here');
  });

  test('the client key is required; the upstream key never reaches the client', async () => {
    const anon = new GoogleGenAI({ apiKey: 'sy-wrong', httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } });
    await expect(anon.models.generateContent({ model: 'gem/gemini-2.5-flash', contents: 'x' })).rejects.toMatchObject({ status: 401 });
    mock.configure({ status: 429, retryDelay: '1s' });
    const res = await gw.fetch('/v1beta/models/gem/gemini-2.5-flash:generateContent', { method: 'POST', json: { contents: [{ parts: [{ text: 'x' }] }] }, headers: { 'x-goog-api-key': gw.key } });
    const body = await res.text();
    expect(res.status).toBe(429);
    expect(JSON.parse(body).error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body).not.toContain(UPSTREAM_KEY);
  });

  test('an OpenAI-dialect client is translated to generateContent', async () => {
    const res = await gw.fetch('/v1/chat/completions', {
      method: 'POST',
      json: { model: 'gem/gemini-2.5-flash', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'from openai' }] },
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(json.choices[0].message.content).toBe('from openai');
    expect(mock.requests[0].body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'from openai' }] }], systemInstruction: { parts: [{ text: 'sys' }] } });
  });
});
