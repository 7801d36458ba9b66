/**
 * Claude Code asks for 32,000 output tokens on every turn, and OpenCode hardcodes as many; a
 * local model served by vLLM with a 32k or 64k window has less room beside the prompt, and vLLM
 * refuses: "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum
 * context length is 32768 tokens and your request has 7615 input tokens (32000 > 32768 - 7615)."
 * Every turn failed. The request goes once more asking for the room there is (the client asked
 * for up to its max tokens), for this request only: the room shrinks as the conversation grows.
 */
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  local: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-local-000001], allow_private_network: true }
`);

/** vLLM with a 32k window, counting a prompt of `input` tokens. */
function vllm(input: number, reply: Reply): Reply {
  return (rec: Recorded) => {
    const asked = Number(rec.body.max_tokens ?? rec.body.max_completion_tokens ?? 0);
    if (asked > 32768 - input) {
      const message = `'max_tokens' or 'max_completion_tokens' is too large: ${asked}. This model's maximum context length is 32768 tokens and your request has ${input} input tokens (${asked} > 32768 - ${input}). (parameter=max_tokens, value=${asked})`;
      return json({ object: 'error', message, type: 'BadRequestError', param: 'max_tokens', code: 400 }, 400)(rec);
    }
    return reply(rec);
  };
}

test('Claude Code (converted): served with the room beside the prompt, asked again on each turn', async () => {
  const ask = () => kit.anthropic.messages.stream({ model: 'local/qwen3-coder-30b', max_tokens: 32000, messages: [{ role: 'user', content: 'hello' }] }).finalMessage();
  const answer = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Hi.' }, 'stop'), openaiUsage(20, 2)]);
  kit.up.next(vllm(7615, answer), vllm(7615, answer), vllm(9000, answer), vllm(9000, answer));
  expect((await ask()).content).toMatchObject([{ type: 'text', text: 'Hi.' }]);
  expect(kit.up.requests.map((r) => r.body.max_tokens ?? r.body.max_completion_tokens)).toEqual([32000, 25153]);
  await ask();
  // Not remembered: the next turn asks for its own room.
  expect(kit.up.requests.map((r) => r.body.max_tokens ?? r.body.max_completion_tokens)).toEqual([32000, 25153, 32000, 23768]);
});

test('OpenCode (passthrough, max_tokens 32000): served the same way', async () => {
  const stream = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Hi.' }, 'stop'), openaiUsage(20, 2)]);
  kit.up.next(vllm(12000, stream), vllm(12000, stream));
  let text = '';
  for await (const c of await kit.openai.chat.completions.create({ model: 'local/qwen3-coder-30b', max_tokens: 32000, stream: true, messages: [{ role: 'user', content: 'hello' }] })) text += c.choices[0]?.delta.content ?? '';
  expect(text).toBe('Hi.');
  expect(kit.up.requests.map((r) => r.body.max_tokens)).toEqual([32000, 20768]);
});

test('a one-message request that is not streamed (a script, a quick question): served the same way', async () => {
  const answer = openaiCompletion({ role: 'assistant', content: 'Hi.' }, 'stop');
  kit.up.next(vllm(12000, answer), vllm(12000, answer));
  const res = await kit.openai.chat.completions.create({ model: 'local/qwen3-coder-30b', max_tokens: 32000, messages: [{ role: 'user', content: 'hello' }] });
  expect(res.choices[0]!.message.content).toBe('Hi.');
  expect(kit.up.requests.map((r) => r.body.max_tokens)).toEqual([32000, 20768]);
});
