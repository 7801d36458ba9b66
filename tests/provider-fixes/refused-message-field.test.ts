/**
 * Clients replay what they got in the history (OpenCode, Cline and Roo send an assistant
 * message's `reasoning_content` back; others `refusal` or `annotations`), and a strict
 * OpenAI-compatible server no preset knows (a FastAPI/vLLM deployment, a corporate gateway)
 * refuses every turn after the first for a field it does not define. The gateway sends the turn
 * once more without the field it named, and the model's later requests go without it.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { claudeReadRound, useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  inhouse: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-inhouse-000001], allow_private_network: true }
  inhouse2: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-inhouse-000002], allow_private_network: true }
  echoing: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-inhouse-000003], allow_private_network: true, quirks: { echo_reasoning: true } }
`);

type Msg = Record<string, unknown>;
const STANDARD = new Set(['role', 'content', 'name', 'tool_calls', 'tool_call_id']);

/** A FastAPI server's check: a message field it does not define is a 422 `extra_forbidden`. */
function pydanticStrict(reply: Reply): Reply {
  return (rec: Recorded) => {
    const messages = rec.body.messages as Msg[];
    for (const [i, m] of messages.entries()) {
      const extra = Object.keys(m).find((k) => !STANDARD.has(k));
      if (extra) return json({ detail: [{ type: 'extra_forbidden', loc: ['body', 'messages', i, m.role, extra], msg: 'Extra inputs are not permitted', input: m[extra] }] }, 422)(rec);
    }
    return reply(rec);
  };
}

/** OpenAI's own check: "Unknown parameter: 'messages[1].refusal'." */
function openaiStrict(reply: Reply): Reply {
  return (rec: Recorded) => {
    const messages = rec.body.messages as Msg[];
    for (const [i, m] of messages.entries()) {
      const extra = Object.keys(m).find((k) => !STANDARD.has(k));
      if (extra) {
        const message = `Unknown parameter: 'messages[${i}].${extra}'.`;
        return json({ error: { message, type: 'invalid_request_error', param: `messages[${i}].${extra}`, code: 'unknown_parameter' } }, 400)(rec);
      }
    }
    return reply(rec);
  };
}

const hello = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Hello again.' }, 'stop'), openaiUsage(20, 3)]);

/** What OpenCode sends on its second turn: the first answer with the reasoning it streamed. */
const history = [
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello.', reasoning_content: 'The user greets me.' },
  { role: 'user', content: 'And again?' },
] as unknown as OpenAI.Chat.ChatCompletionMessageParam[];

async function turn(model: string, messages = history): Promise<string> {
  let text = '';
  for await (const c of await kit.openai.chat.completions.create({ model, messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
  return text;
}

test('a FastAPI server refusing the replayed reasoning (422): served, and the next turn goes without it at once', async () => {
  kit.up.next(pydanticStrict(hello), pydanticStrict(hello), pydanticStrict(hello));
  expect(await turn('inhouse/qwen3-coder')).toBe('Hello again.');
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Msg[])[1]).toEqual({ role: 'assistant', content: 'Hello.' });
  expect(await turn('inhouse/qwen3-coder')).toBe('Hello again.');
  expect(kit.up.requests).toHaveLength(3);
  expect((kit.up.requests[2]!.body.messages as Msg[])[1]).toEqual({ role: 'assistant', content: 'Hello.' });
});

test('OpenAI\'s wording ("Unknown parameter: \'messages[1].refusal\'."): served once more without it', async () => {
  const replayed = [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.', refusal: null },
    { role: 'user', content: 'And again?' },
  ] as unknown as OpenAI.Chat.ChatCompletionMessageParam[];
  kit.up.next(openaiStrict(hello), openaiStrict(hello));
  expect(await turn('inhouse2/gpt-4.1', replayed)).toBe('Hello again.');
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[1]!.body.messages as Msg[])[1]).toEqual({ role: 'assistant', content: 'Hello.' });
});

test('a refusal of a field no message holds is passed through (nothing to drop)', async () => {
  kit.up.next(json({ error: { message: "Unknown parameter: 'messages[1].audio'.", type: 'invalid_request_error', param: 'messages[1].audio', code: 'unknown_parameter' } }, 400));
  const err = await turn('inhouse2/gpt-4.1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(kit.up.requests).toHaveLength(1);
});

test('the converted lane too: Claude Code\'s thinking before a tool call, echoed as reasoning_content by a quirk the server refuses', async () => {
  const done = openaiCompletion({ role: 'assistant', content: 'Hello again.' }, 'stop');
  kit.up.next(pydanticStrict(done), pydanticStrict(done));
  const msg = await kit.anthropic.messages.create({
    model: 'echoing/glm-4.6', max_tokens: 200,
    ...claudeReadRound({ thinking: 'The user greets me.' }),
  });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'Hello again.' }]);
  expect(kit.up.requests).toHaveLength(2);
  expect((kit.up.requests[0]!.body.messages as Msg[])[1]!.reasoning_content).toBe('The user greets me.');
  expect((kit.up.requests[1]!.body.messages as Msg[])[1]!.reasoning_content).toBeUndefined();
});
