/**
 * A model whose chat template keeps its own order of roles, served where no preset knows it
 * (Gemma on a vLLM box or a reseller, a Mistral model behind an in-house gateway): "System role
 * not supported", "Conversation roles must alternate user/assistant/user/assistant/...",
 * "Unexpected role 'user' after role 'tool'". The gateway sends the turn once more in the order
 * the upstream states, and the model's later requests go in that order at once.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { claudeReadRound, useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  gpu: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-gpu-000001], allow_private_network: true }
  inhouse: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-inhouse-000001], allow_private_network: true }
`);

type Msg = { role: string; content: unknown };
const vllmError = (message: string) => json({ object: 'error', message, type: 'BadRequestError', param: null, code: 400 }, 400);

/** Gemma's chat template on vLLM: no system role, and user and assistant alternating. */
function gemmaTemplate(reply: Reply): Reply {
  return (rec: Recorded) => {
    const messages = rec.body.messages as Msg[];
    if (messages.some((m) => m.role === 'system')) return vllmError('System role not supported')(rec);
    if (messages.some((m, i) => i > 0 && m.role === messages[i - 1]!.role)) return vllmError('Conversation roles must alternate user/assistant/user/assistant/...')(rec);
    return reply(rec);
  };
}

/** Mistral's check: a user turn may not follow tool results. */
function mistralOrder(reply: Reply): Reply {
  return (rec: Recorded) => {
    const messages = rec.body.messages as Msg[];
    if (messages.some((m, i) => m.role === 'user' && messages[i - 1]?.role === 'tool')) {
      return json({ object: 'error', message: "Unexpected role 'user' after role 'tool'", type: 'invalid_request_message_order', param: null, code: '3230' }, 400)(rec);
    }
    return reply(rec);
  };
}

const done = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Done.' }, 'stop'), openaiUsage(30, 2)]);

async function streamText(model: string, messages: OpenAI.Chat.ChatCompletionMessageParam[]): Promise<string> {
  let text = '';
  for await (const c of await kit.openai.chat.completions.create({ model, messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
  return text;
}

test('Gemma refusing the system role, then two user turns in a row: served, and the next turn goes in its order at once', async () => {
  const turn = [
    { role: 'system', content: 'You are a coding agent.' },
    { role: 'user', content: 'Fix the bug.' },
    { role: 'user', content: 'It is in main.ts.' },
  ] as OpenAI.Chat.ChatCompletionMessageParam[];
  kit.up.next(gemmaTemplate(done), gemmaTemplate(done), gemmaTemplate(done), gemmaTemplate(done));
  expect(await streamText('gpu/google/gemma-3-27b-it', turn)).toBe('Done.');
  expect(kit.up.requests).toHaveLength(3);
  expect(kit.up.requests[2]!.body.messages).toEqual([{ role: 'user', content: 'You are a coding agent.\n\nFix the bug.\n\nIt is in main.ts.' }]);
  expect(await streamText('gpu/google/gemma-3-27b-it', turn)).toBe('Done.');
  expect(kit.up.requests).toHaveLength(4);
  expect(kit.up.requests[3]!.body.messages).toEqual(kit.up.requests[2]!.body.messages);
});

test('Claude Code\'s text beside its tool results, to a Mistral model ("Unexpected role \'user\' after role \'tool\'"): served with a line between', async () => {
  const reply = openaiCompletion({ role: 'assistant', content: 'Fixed.' }, 'stop');
  kit.up.next(mistralOrder(reply), mistralOrder(reply));
  const msg = await kit.anthropic.messages.create({
    model: 'inhouse/devstral-medium', max_tokens: 200,
    ...claudeReadRound({ then: 'Now fix it.' }),
  });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'Fixed.' }]);
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Msg[]).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
});

test('a refusal of an order the request already keeps reaches the client (nothing to change)', async () => {
  kit.up.next(vllmError('Conversation roles must alternate user/assistant/user/assistant/...'));
  const err = await kit.openai.chat.completions.create({
    model: 'inhouse/llama-2-70b', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Again?' }],
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(kit.up.requests).toHaveLength(1);
});
