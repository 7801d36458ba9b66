/**
 * Cline, Roo and Kilo send every user turn as a list of text parts on the passthrough lane, and a
 * server that reads a message's content as a string only (DeepSeek's own API, SambaNova, Groq for
 * assistant turns, a reseller or a FastAPI deployment no preset knows) refuses every turn. The
 * gateway sends the turn once more with the text parts joined, and the model's later requests go
 * that way at once.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  reseller: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-reseller-000001], allow_private_network: true }
  fastgroq: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-reseller-000002], allow_private_network: true }
`);

type Msg = { role: string; content: unknown };

/** A Rust (serde) server: content that is not a string is a 422, as DeepSeek words it. */
function serdeStrict(reply: Reply): Reply {
  return (rec: Recorded) => {
    const i = (rec.body.messages as Msg[]).findIndex((m) => typeof m.content !== 'string' && m.content !== null);
    if (i < 0) return reply(rec);
    const message = `Failed to deserialize the JSON body into the target type: messages[${i}].content: invalid type: sequence, expected a string at line 1 column 97`;
    return json({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }, 422)(rec);
  };
}

/** Groq's check of an assistant turn: "'messages.1.content' : value must be a string". */
function groqStrict(reply: Reply): Reply {
  return (rec: Recorded) => {
    const i = (rec.body.messages as Msg[]).findIndex((m) => m.role === 'assistant' && Array.isArray(m.content));
    if (i < 0) return reply(rec);
    const message = `'messages.${i}' : for 'role:assistant' the following must be satisfied[('messages.${i}.content' : value must be a string)]`;
    return json({ error: { message, type: 'invalid_request_error' } }, 400)(rec);
  };
}

const done = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Done.' }, 'stop'), openaiUsage(30, 2)]);

/** What Cline sends: the system prompt as a string, the task as a list of text parts. */
const clineTurn = [
  { role: 'system', content: 'You are Cline.' },
  { role: 'user', content: [{ type: 'text', text: '<task>\nFix the bug\n</task>' }, { type: 'text', text: '<environment_details>\n# cwd: /repo\n</environment_details>' }] },
] as OpenAI.Chat.ChatCompletionMessageParam[];

async function streamText(model: string, messages: OpenAI.Chat.ChatCompletionMessageParam[]): Promise<string> {
  let text = '';
  for await (const c of await kit.openai.chat.completions.create({ model, messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
  return text;
}

test('a serde server refusing Cline\'s list of text parts (422): served with them joined, and the next turn goes joined at once', async () => {
  kit.up.next(serdeStrict(done), serdeStrict(done), serdeStrict(done));
  expect(await streamText('reseller/deepseek-v4', clineTurn)).toBe('Done.');
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Msg[])[1]).toEqual({ role: 'user', content: '<task>\nFix the bug\n</task>\n\n<environment_details>\n# cwd: /repo\n</environment_details>' });
  expect(await streamText('reseller/deepseek-v4', clineTurn)).toBe('Done.');
  expect(kit.up.requests).toHaveLength(3);
  expect(typeof (kit.up.requests[2]!.body.messages as Msg[])[1]!.content).toBe('string');
});

test('Groq\'s wording for an assistant turn replayed as a list: served once more with it joined', async () => {
  const history = [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
    { role: 'user', content: 'Again?' },
  ] as OpenAI.Chat.ChatCompletionMessageParam[];
  const reply = openaiCompletion({ role: 'assistant', content: 'Hello again.' }, 'stop');
  kit.up.next(groqStrict(reply), groqStrict(reply));
  const res = await kit.openai.chat.completions.create({ model: 'fastgroq/llama-3.3-70b', messages: history });
  expect(res.choices[0]!.message.content).toBe('Hello again.');
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Msg[])[1]).toEqual({ role: 'assistant', content: 'Hello.' });
});

test('a list that holds an image is not changed: the refusal reaches the client in its dialect', async () => {
  const withImage = [
    { role: 'system', content: 'You are Cline.' },
    { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
  ] as OpenAI.Chat.ChatCompletionMessageParam[];
  kit.up.next(serdeStrict(done));
  const err = await kit.openai.chat.completions.create({ model: 'reseller/deepseek-v3', messages: withImage }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.UnprocessableEntityError);
  expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('expected a string');
  expect(kit.up.requests).toHaveLength(1);
});
