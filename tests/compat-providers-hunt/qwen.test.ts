/**
 * The `qwen` preset (Alibaba Cloud Model Studio): an open hybrid Qwen3 model asked without
 * streaming (an OpenAI SDK call, a tool's title or commit-message request) gets thinking off,
 * which DashScope requires for such a call; a streamed call and a client's own choice are left as
 * they are.
 */
import { expect, test } from 'bun:test';
import { openaiCompletion, openaiChunk, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictDashScope } from './strict-compat-upstreams.ts';

const hunt = useCompatHunt(`
providers:
  qwen: { preset: qwen, base_url: UPSTREAM/compatible-mode/v1, keys: [dashscope-key-1], allow_private_network: true, models: [qwen3-32b] }
`);

test('a call that is not streamed gets enable_thinking false, and is served', async () => {
  hunt.h.up.next(strictDashScope(openaiCompletion({ content: 'Fix parser.' }, 'stop')));
  const r = await hunt.oai.chat.completions.create({ model: 'qwen/qwen3-32b', messages: [{ role: 'user', content: 'A commit message, please.' }] });
  expect(r.choices[0]!.message.content).toBe('Fix parser.');
  expect(hunt.h.up.requests[0]!.body.enable_thinking).toBe(false);
});

test('a streamed call keeps the model\'s thinking', async () => {
  hunt.h.up.next(strictDashScope(openaiStream([openaiChunk({ role: 'assistant', content: 'Hi.' }), openaiChunk({}, 'stop'), openaiUsage(5, 2)])));
  const stream = await hunt.oai.chat.completions.create({ model: 'qwen/qwen3-32b', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
  for await (const _ of stream) void _;
  expect(hunt.h.up.requests[0]!.body).not.toHaveProperty('enable_thinking');
});
