/**
 * Groq answers 400 `tool_use_failed` ("Failed to call a function. Please adjust your prompt. See
 * 'failed_generation' for more details.") when its model writes a tool call that is not valid
 * JSON or not the tool's schema: the model's sampling, not the request (OpenCode on Kimi K2 at
 * Groq failed most turns, opencode #1018). The gateway generates once more, and a second failure
 * goes to the combo's next target. Groq sends the error of a stream request in SSE framing.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({}, 'groq');
const failed = {
  status: 400,
  body: { error: { message: "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.", type: 'invalid_request_error', code: 'tool_use_failed', failed_generation: '<function=read>{"path": README.md}</function>' } },
};
const sseFailed = {
  status: 400,
  headers: { 'content-type': 'text/event-stream' },
  body: `event: error\ndata: ${JSON.stringify({ error: { ...failed.body.error, status_code: 400 } })}\n\n`,
};
const read = { type: 'function' as const, function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } };

test('an OpenAI client (passthrough): the failed generation is made once more and answered', async () => {
  kit.mock.script([failed]);
  const openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  const r = await openai.chat.completions.create({ model: 'groq/moonshotai/kimi-k2-instruct', tools: [read], messages: [{ role: 'user', content: 'read the readme' }] });
  expect(r.choices[0]!.message).toBeDefined();
  expect(kit.mock.requests).toHaveLength(2);
  expect(kit.mock.requests[1]!.body).toEqual(kit.mock.requests[0]!.body);
});

test('Claude Code (translated, streamed; the error in SSE framing): made once more and answered', async () => {
  kit.mock.script([sseFailed]);
  const before = kit.mock.requests.length;
  const claude = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
  const msg = await claude.messages.stream({ model: 'groq/moonshotai/kimi-k2-instruct', max_tokens: 200, messages: [{ role: 'user', content: 'hello' }] }).finalMessage();
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length - before).toBe(2);
});

test('failing twice: the client gets a retryable 502 naming the upstream\'s words, not a 400 for its own request', async () => {
  kit.mock.script([failed, failed]);
  const before = kit.mock.requests.length;
  const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'groq/moonshotai/kimi-k2-instruct', tools: [read], messages: [{ role: 'user', content: 'read it' }] } });
  expect(res.status).toBe(502);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Failed to call a function');
  expect(kit.mock.requests.length - before).toBe(2);
});
