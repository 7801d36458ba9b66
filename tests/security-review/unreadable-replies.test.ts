/**
 * Replies an upstream sends in the right format but the wrong shape (a function call without a
 * name, a content list that is not a list, token counts as text). They used to reach the
 * encoders and the usage meter and fail there: a 500 for a whole reply, a cut connection for a
 * stream. Now such a reply is a retryable 502 that says what was wrong, so a combo moves on to
 * its next target; after content has been sent, the client gets one error event; and counts
 * that are not numbers are stored as 0.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startFourFormatUpstream, type FourFormatUpstream } from '../helpers/four-format-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** What the fake upstreams answer; each test sets it. */
let geminiReply: () => Response;
let openaiReply: () => Response;

const sse = (events: unknown[]) => new Response(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join(''), { headers: { 'content-type': 'text/event-stream' } });
const nameless = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { args: { city: 'Paris' } } }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3 } };
const chat = (usage: unknown) => ({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Sunny.', refusal: null }, finish_reason: 'stop', logprobs: null }], usage,
});

let mock: FourFormatUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = startFourFormatUpstream((format) => (format === 'gemini' ? geminiReply() : openaiReply()));
  gw = await startTestGateway(`providers:
${mock.providers}
combos:
  steady: { strategy: fill-first, models: [gem/gemini-2.5-pro, oai/gpt-4o] }
`);
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  mock?.stop();
});

test('a function call without a name is a 502 that says so, in the client\'s dialect', async () => {
  geminiReply = () => Response.json(nameless);
  const err = await client.chat.completions.create({ model: 'gem/gemini-2.5-pro', messages: [{ role: 'user', content: 'Weather?' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  expect((err as Error).message).toContain('Upstream gem sent a reply the gateway cannot read: a tool call without a name.');
});

test('a combo moves on to its next target when a reply cannot be read, streamed or not', async () => {
  geminiReply = () => Response.json({ ...nameless, candidates: [{ content: { role: 'model', parts: 7 }, finishReason: 'STOP' }] });
  openaiReply = () => Response.json(chat({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }));
  const r = await client.chat.completions.create({ model: 'steady', messages: [{ role: 'user', content: 'Weather?' }] });
  expect(r.choices[0]!.message.content).toBe('Sunny.');

  geminiReply = () => sse([nameless]);
  openaiReply = () => sse([
    { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant', content: 'Sunny.' }, finish_reason: null }] },
    { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  ]);
  let text = '';
  for await (const chunk of await client.chat.completions.create({ model: 'steady', stream: true, messages: [{ role: 'user', content: 'Weather?' }] })) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  expect(text).toBe('Sunny.');
});

test('after content was sent, a broken part ends the stream with one error event: no cut connection, no [DONE]', async () => {
  geminiReply = () => sse([
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me check.' }] } }] },
    nameless,
  ]);
  const res = await gw.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'gem/gemini-2.5-pro', stream: true, messages: [{ role: 'user', content: 'Weather?' }] } });
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body).toContain('Let me check.');
  const errors = body.split('\n\n').filter((e) => e.startsWith('data: {"error"'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('a tool call without a name');
  expect(body).not.toContain('[DONE]');
  await gw.settled();
  gw.gw.usage.flush();
  expect(gw.gw.usage.recent(1)[0]!.status).toBe('error_midstream');
});

test('token counts that are not numbers are stored as 0, and the reply is served', async () => {
  openaiReply = () => Response.json(chat({ prompt_tokens: 'many', completion_tokens: -4, total_tokens: null }));
  const r = await client.chat.completions.create({ model: 'oai/gpt-4o', messages: [{ role: 'user', content: 'Weather?' }] });
  expect(r.choices[0]!.message.content).toBe('Sunny.');
  await gw.settled();
  gw.gw.usage.flush();
  const row = gw.gw.usage.recent(1)[0]!;
  expect(row.status).toBe('ok');
  expect([row.inputTokens, row.outputTokens]).toEqual([0, 0]);
});
