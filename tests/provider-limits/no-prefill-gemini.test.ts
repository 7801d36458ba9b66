/**
 * Newer Gemini models (3.5 Flash-Lite, 3.6 Flash and later) refuse a conversation that ends with
 * a model turn: 400 INVALID_ARGUMENT "Requests ending with a model turn are not supported."
 * A client of another dialect whose conversation ends with an assistant turn gets the attempt
 * once more with a short user turn after it (as for Claude, no-prefill.test.ts); a Gemini
 * client's own request is not repaired. gemini-cli and antigravity delegate to the same code.
 */
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Body = { contents: Array<{ role?: string; parts: unknown[] }> };
const seen: Body[] = [];
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;

const reply = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'the rest of the answer' }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 17 },
  modelVersion: 'gemini-3.6-flash',
};

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const body = (await req.json()) as Body;
      seen.push(body);
      if (body.contents.at(-1)?.role === 'model') {
        return Response.json({ error: { code: 400, message: 'Requests ending with a model turn are not supported.', status: 'INVALID_ARGUMENT' } }, { status: 400 });
      }
      if (!new URL(req.url).pathname.endsWith(':streamGenerateContent')) return Response.json(reply);
      return new Response(`data: ${JSON.stringify(reply)}\r\n\r\n`, { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  t = await startTestGateway(`
providers:
  gem: { type: gemini, base_url: "http://127.0.0.1:${upstream.port}", keys: [AIza-test-key-123456789], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.gw.stop(0);
  upstream?.stop(true);
});

test('an OpenAI client\'s trailing assistant turn: sent once more with a user turn after it, streamed and not', async () => {
  const client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Write a haiku about gateways.' }, { role: 'assistant' as const, content: 'Packets drift like' }];
  seen.length = 0;
  const r = await client.chat.completions.create({ model: 'gem/gemini-3.6-flash', messages });
  expect(r.choices[0]!.message.content).toBe('the rest of the answer');
  expect(seen.map((b) => b.contents.at(-1)?.role)).toEqual(['model', 'user']);
  expect(seen[1]!.contents.at(-1)).toEqual({ role: 'user', parts: [{ text: 'Continue.' }] });
  expect(seen[1]!.contents.slice(0, -1)).toEqual(seen[0]!.contents);

  seen.length = 0;
  let text = '';
  for await (const c of await client.chat.completions.create({ model: 'gem/gemini-3.6-flash', messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
  expect(text).toBe('the rest of the answer');
  expect(seen.map((b) => b.contents.at(-1)?.role)).toEqual(['model', 'user']);
});

test('a conversation that ends with a user turn is sent once', async () => {
  const client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  seen.length = 0;
  const r = await client.chat.completions.create({ model: 'gem/gemini-3.6-flash', messages: [{ role: 'user', content: 'hi' }] });
  expect(r.choices[0]!.message.content).toBe('the rest of the answer');
  expect(seen).toHaveLength(1);
});

test('a Gemini client\'s own trailing model turn is not repaired: it gets the API\'s 400', async () => {
  const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url } });
  seen.length = 0;
  const err = await ai.models.generateContent({
    model: 'gem/gemini-3.6-flash',
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ text: 'Sure,' }] }],
  }).catch((e: unknown) => e);
  expect(String(err)).toContain('Requests ending with a model turn are not supported');
  expect((err as { status?: number }).status).toBe(400);
  expect(seen).toHaveLength(1);
});
