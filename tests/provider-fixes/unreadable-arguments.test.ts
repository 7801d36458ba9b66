/**
 * A tool call cut off by a length limit (or written with a raw newline in a string) stays in the
 * client's history, and servers that read the history's arguments as JSON before rendering their
 * chat template (vLLM, llama.cpp's server and the vendors built on them) refuse every later turn:
 * "Unterminated string starting at: line 1 column 31 (char 30)". The converted lane sends
 * arguments as JSON; a client's own request gets them so after such a refusal, and later at once.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

type Json = Record<string, any>;

const kit = useScriptedKit(`
  vllm: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-vllm-000001], allow_private_network: true }
`);

/** vLLM's chat-template preprocessing: `json.loads` on every history call's arguments. */
function vllm(reply: Reply): Reply {
  return (rec: Recorded) => {
    for (const m of (rec.body.messages ?? []) as Json[]) {
      for (const c of (m.tool_calls ?? []) as Json[]) {
        try {
          JSON.parse(c.function.arguments);
        } catch {
          return json({ error: { message: 'Unterminated string starting at: line 1 column 31 (char 30)', type: 'BadRequestError', param: null, code: 400 } }, 400)(rec);
        }
      }
    }
    return reply(rec);
  };
}

const done = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Carrying on.' }, 'stop'), openaiUsage(30, 3)]);

const history = [
  { role: 'user', content: 'Write a.txt' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'write', arguments: '{"path": "a.txt", "content": "hel' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: 'Error: the arguments were cut off.' },
  { role: 'user', content: 'Try again' },
] as OpenAI.Chat.ChatCompletionMessageParam[];

async function turn(): Promise<string> {
  let text = '';
  for await (const c of await kit.openai.chat.completions.create({ model: 'vllm/qwen3-coder', messages: history, stream: true })) text += c.choices[0]?.delta.content ?? '';
  return text;
}

test('an OpenAI client\'s history (passthrough): served after the refusal, the cut-off call sent as {}, and the next turn at once', async () => {
  kit.up.next(vllm(done), vllm(done), vllm(done));
  expect(await turn()).toBe('Carrying on.');
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Json[])[1]!.tool_calls[0].function.arguments).toBe('{}');
  expect(await turn()).toBe('Carrying on.');
  expect(kit.up.requests).toHaveLength(3);
});

test('Codex (converted to Chat): arguments go as JSON at once; a raw newline is repaired, a cut-off call is {}', async () => {
  kit.up.next(vllm(done));
  const stream = await kit.openai.responses.create({
    model: 'vllm/glm-4.6', stream: true, store: false,
    input: [
      { role: 'user', content: 'Write two files' },
      { type: 'function_call', call_id: 'c1', name: 'write', arguments: '{"path": "b.txt", "content": "line 1\nline 2"}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      { type: 'function_call', call_id: 'c2', name: 'write', arguments: '{"path": "c.txt", "content": "cut' },
      { type: 'function_call_output', call_id: 'c2', output: 'Error: cut off' },
      { role: 'user', content: 'Go on' },
    ],
  });
  for await (const e of stream) void e;
  expect(kit.up.requests).toHaveLength(1);
  const calls = (kit.up.requests[0]!.body.messages as Json[]).flatMap((m) => (m.tool_calls ?? []) as Json[]).map((c) => c.function.arguments);
  expect(calls).toEqual(['{"path": "b.txt", "content": "line 1\\nline 2"}', '{}']);
});
