/**
 * The gateway adds `stream_options.include_usage` to streams for its books. Some OpenAI-compatible
 * servers refuse the field by name (older Ollama, Groq once: "property 'stream_options' is
 * unsupported, did you mean 'stream'?", proxies such as Databricks'), which failed every stream
 * whose client never sent it. Such a refusal is answered by sending the stream again without the
 * gateway's field, and the model's later streams go without it; a client's own `stream_options`
 * is never dropped.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let requests: Array<Record<string, unknown>> = [];
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;
let openai: OpenAI;

/** An OpenAI-compatible server that refuses `stream_options` by name, as older servers do. */
function startStrictUpstream(): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as Record<string, unknown>;
      requests.push(body);
      if (body.stream_options !== undefined) {
        return Response.json({ error: { message: "property 'stream_options' is unsupported, did you mean 'stream'?", type: 'invalid_request_error' } }, { status: 400 });
      }
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'local-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      return new Response(chunk({ role: 'assistant', content: 'Hi' }) + chunk({ content: ' there' }) + chunk({}, 'stop') + 'data: [DONE]\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      });
    },
  });
}

beforeAll(async () => {
  upstream = startStrictUpstream();
  t = await startTestGateway(`providers:
  local: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-local-0000001], allow_private_network: true }
  other: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-other-0000001], allow_private_network: true }
`);
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  upstream?.stop(true);
});

test('passthrough (OpenAI client): sent again without the gateway\'s field; the model\'s next stream goes without it at once', async () => {
  requests = [];
  const read = async () => (await Array.fromAsync(await openai.chat.completions.create({ model: 'local/local-model', stream: true, messages: [{ role: 'user', content: 'hi' }] })))
    .map((c) => c.choices[0]?.delta.content ?? '').join('');
  expect(await read()).toBe('Hi there');
  expect(requests.map((r) => r.stream_options !== undefined)).toEqual([true, false]);
  expect(await read()).toBe('Hi there');
  expect(requests.length).toBe(3);
  await t.settled();
  t.gw.usage.flush();
  expect(t.gw.usage.recent(1)[0]).toMatchObject({ status: 'ok', estimated: true });
});

test('converted lane (Anthropic client): sent again without it', async () => {
  requests = [];
  const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
  const m = await client.messages.stream({ model: 'other/local-model', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
  expect(m.content.map((b) => (b.type === 'text' ? b.text : b.type))).toEqual(['Hi there']);
  expect(requests.map((r) => r.stream_options !== undefined)).toEqual([true, false]);
});

test('a client\'s own stream_options is its own: the refusal reaches it', async () => {
  requests = [];
  const err = await openai.chat.completions.create({
    model: 'other/another-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }],
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(requests.length).toBe(1);
});
