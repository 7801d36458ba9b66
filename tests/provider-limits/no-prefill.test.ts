/**
 * Claude 4.6 and later refuse a conversation that ends with an assistant turn ("This model does
 * not support assistant message prefill. The conversation must end with a user message."). A
 * client of another dialect that sends one (Aider's prefill; OpenAI takes it) gets the attempt
 * once more with a short user turn after it; an Anthropic client's own request is not repaired.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Body = { messages: Array<{ role: string; content: unknown }>; stream?: boolean };
const seen: Body[] = [];
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;

const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'the rest of the answer' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 12, output_tokens: 5 } };

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const body = (await req.json()) as Body;
      seen.push(body);
      if (body.messages.at(-1)?.role === 'assistant') {
        return Response.json({ type: 'error', error: { type: 'invalid_request_error', message: 'This model does not support assistant message prefill. The conversation must end with a user message.' } }, { status: 400 });
      }
      if (!body.stream) return Response.json(message);
      const events = [
        ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'the rest of the answer' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }],
        ['message_stop', { type: 'message_stop' }],
      ];
      return new Response(events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join(''), { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  t = await startTestGateway(`
providers:
  ant: { type: anthropic, base_url: "http://127.0.0.1:${upstream.port}", keys: [sk-ant-test-1234567], allow_private_network: true }
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
  const r = await client.chat.completions.create({ model: 'ant/claude-opus-4-6', messages });
  expect(r.choices[0]!.message.content).toBe('the rest of the answer');
  expect(seen.map((b) => b.messages.at(-1)?.role)).toEqual(['assistant', 'user']);
  expect(seen[1]!.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'Continue.' }] });

  seen.length = 0;
  let text = '';
  for await (const c of await client.chat.completions.create({ model: 'ant/claude-opus-4-6', messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
  expect(text).toBe('the rest of the answer');
  expect(seen.map((b) => b.messages.at(-1)?.role)).toEqual(['assistant', 'user']);
});

test('an Anthropic client\'s own prefill is not repaired: it gets the API\'s 400', async () => {
  const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  seen.length = 0;
  const err = await client.messages.create({
    model: 'ant/claude-opus-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Sure,' }],
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect(seen).toHaveLength(1);
});
