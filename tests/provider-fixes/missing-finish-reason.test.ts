/**
 * Some OpenAI-compatible upstreams end a stream with `[DONE]` and no `finish_reason` in any chunk
 * (NVIDIA NIM's GLM 5.1 after tool calls, pi #6226; OpenCode Zen's muse-spark, opencode #43882).
 * Strict clients refuse such a stream ("Stream ended without finish_reason"; the `openai` SDK's
 * stream helper: "missing finish_reason for choice 0"), and an agent whose loop waits for
 * `tool_calls` stops. On the passthrough lane the gateway adds the finish chunk the stream meant,
 * before the usage chunk or `[DONE]`; the translated lanes already end such streams properly.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({
  respond: (body) => ((body.tools as unknown[] | undefined)?.length
    ? { toolCalls: [{ id: 'call_1', name: 'read', arguments: '{"path":"README.md"}' }], finishReason: null }
    : { content: 'Hello there.', finishReason: null }),
}, 'nim');
const read = { type: 'function' as const, function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } };

test('tool calls: the openai SDK\'s stream helper gets finish_reason tool_calls (it throws without one)', async () => {
  const openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  const stream = openai.chat.completions.stream({ model: 'nim/z-ai/glm-5.1', tools: [read], messages: [{ role: 'user', content: 'read it' }] });
  const done = await stream.finalChatCompletion();
  expect(done.choices[0]!.finish_reason).toBe('tool_calls');
  expect(done.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: 'call_1', function: { name: 'read', arguments: '{"path":"README.md"}' } });
});

test('text, with the usage the client asked for: the finish chunk goes before the usage chunk, exactly once', async () => {
  const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'nim/z-ai/glm-5.1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] } });
  const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
  expect(events.at(-1)).toBe('[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: Array<{ finish_reason: string | null }>; usage?: unknown });
  expect(chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['stop']);
  expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  expect(chunks.at(-1)!.choices).toEqual([]);
  expect(chunks.at(-1)!.usage).toBeDefined();
});
