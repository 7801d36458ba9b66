/**
 * An assistant turn that only calls tools has no text, and OpenAI-style servers disagree on what
 * its `content` is: OpenAI clients (and the converted lane) send null, which Ollama refuses
 * ("invalid message content type: <nil>") and LM Studio too ("'content' field must be a string or
 * an array of objects"); some clients send "", which Bedrock's OpenAI-compatible endpoint refuses
 * ("The content field in the Message object at messages.[1] is empty"). Every turn after a tool
 * call failed. The gateway sends the turn once more with the form the server takes, and the
 * model's later requests use it at once.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiCompletion, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { claudeReadRound, useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  ollama-box: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-local-000001], allow_private_network: true }
  bedrock-compat: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-bedrock-000001], allow_private_network: true }
`);

type Msg = { role: string; content?: unknown };

/** Ollama's check: a message whose content is null. */
function ollamaNil(reply: Reply): Reply {
  return (rec: Recorded) => ((rec.body.messages as Msg[]).some((m) => m.content === null)
    ? json({ error: { message: 'invalid message content type: <nil>', type: 'invalid_request_error' } }, 400)(rec)
    : reply(rec));
}

/** Bedrock's OpenAI-compatible check: a message whose content is empty. */
function bedrockEmpty(reply: Reply): Reply {
  return (rec: Recorded) => {
    const i = (rec.body.messages as Msg[]).findIndex((m) => m.content === '');
    return i >= 0 ? json({ error: { message: `The content field in the Message object at messages.[${i}] is empty. Add a ContentBlock object to the content field and try again.`, type: 'invalid_request_error' } }, 400)(rec) : reply(rec);
  };
}

const done = openaiCompletion({ role: 'assistant', content: 'Done.' }, 'stop');
const tools: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'Read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
const afterCall = (content: string | null): OpenAI.Chat.ChatCompletionMessageParam[] => [
  { role: 'user', content: 'Read a' },
  { role: 'assistant', content, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Read', arguments: '{"path":"a"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: 'file a' },
];

test('an OpenAI client\'s null content beside its tool calls, to Ollama: sent as "", and the next turn at once', async () => {
  kit.up.next(ollamaNil(done), ollamaNil(done), ollamaNil(done));
  const ask = () => kit.openai.chat.completions.create({ model: 'ollama-box/qwen3-coder:30b', messages: afterCall(null), tools });
  expect((await ask()).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => (r.body.messages as Msg[])[1]!.content)).toEqual([null, '']);
  await ask();
  expect(kit.up.requests.map((r) => (r.body.messages as Msg[])[1]!.content)).toEqual([null, '', '']);
});

test('Claude Code\'s tool-only turn (converted lane sends null), to Ollama: served the same way', async () => {
  kit.up.next(ollamaNil(done), ollamaNil(done));
  const msg = await kit.anthropic.messages.create({
    model: 'ollama-box/gpt-oss:20b', max_tokens: 200,
    ...claudeReadRound(),
  });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'Done.' }]);
  expect(kit.up.requests.map((r) => (r.body.messages as Msg[])[1]!.content)).toEqual([null, '']);
});

test('"" refused (Bedrock\'s OpenAI-compatible endpoint): sent as null', async () => {
  kit.up.next(bedrockEmpty(done), bedrockEmpty(done));
  const res = await kit.openai.chat.completions.create({ model: 'bedrock-compat/openai.gpt-oss-120b-1:0', messages: afterCall(''), tools });
  expect(res.choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => (r.body.messages as Msg[])[1]!.content)).toEqual(['', null]);
});
