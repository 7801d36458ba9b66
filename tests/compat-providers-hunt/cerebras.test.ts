/**
 * Coding tools routed to Cerebras (the `cerebras` preset). A client that replays the model's
 * reasoning as `reasoning_content` (OpenCode, Kilo Code, Qwen Code, any client of DeepSeek-style
 * APIs) got Cerebras' 400 on its second turn; the preset sends that reasoning back as Cerebras'
 * own `reasoning`, and each message keeps only the fields of its role.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictCerebras } from './strict-compat-upstreams.ts';

const hunt = useCompatHunt(`
providers:
  cerebras: { preset: cerebras, base_url: UPSTREAM/v1, keys: [cerebras-upstream-key-1], allow_private_network: true }
  plain: { type: openai, base_url: UPSTREAM/v1, keys: [cerebras-upstream-key-2], allow_private_network: true, models: [gpt-oss-120b] }
`);

const secondTurn = (model: string): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
  model,
  messages: [
    { role: 'user', content: 'Read a.txt' },
    {
      role: 'assistant', content: null, refusal: null, reasoning_content: 'I should read the file.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }],
    } as OpenAI.ChatCompletionMessageParam,
    { role: 'tool', tool_call_id: 'call_1', content: 'hello' },
  ],
  tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
});

test('the second turn of a tool loop: the reasoning goes back as Cerebras\' reasoning, refusal is left out', async () => {
  hunt.h.up.next(strictCerebras(openaiCompletion({ content: 'It says hello.' }, 'stop')));
  const r = await hunt.oai.chat.completions.create(secondTurn('cerebras/gpt-oss-120b'));
  expect(r.choices[0]!.message.content).toBe('It says hello.');
  expect((hunt.h.up.requests[0]!.body.messages as Array<Record<string, unknown>>)[1]).toEqual({
    role: 'assistant', content: null, reasoning: 'I should read the file.',
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }],
  });
});

test('without the preset, each property Cerebras refuses goes as its 400 names it (the reasoning is lost: the preset keeps it)', async () => {
  const said = strictCerebras(openaiCompletion({ content: 'It says hello.' }, 'stop'));
  hunt.h.up.next(said, said, said);
  const r = await hunt.oai.chat.completions.create(secondTurn('plain/gpt-oss-120b'));
  expect(r.choices[0]!.message.content).toBe('It says hello.');
  expect(hunt.h.up.requests).toHaveLength(3);
  expect((hunt.h.up.requests[0]!.body.messages as Array<Record<string, unknown>>)[1]).toHaveProperty('refusal');
  expect((hunt.h.up.requests[2]!.body.messages as Array<Record<string, unknown>>)[1]).toEqual({
    role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }],
  });
});
