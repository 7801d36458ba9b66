/**
 * A Mistral model served where no preset knows it (Azure AI Foundry, a reseller, an in-house
 * gateway) takes only tool call ids of 9 letters or digits, and refuses the history's others:
 * Claude Code's `toolu_…`, Codex's `call_…` ("Tool call id was toolu_01… but must be a-z, A-Z,
 * 0-9, with a length of 9."). Every turn after a tool call failed. The gateway sends the turn
 * once more with ids the upstream takes (the same for a call and its result, on every turn), and
 * the model's later requests go so at once.
 */
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { json, openaiCompletion, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { claudeReadRound, useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  foundry: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-foundry-000001], allow_private_network: true }
`);

type Msg = { role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string };

/** Mistral's check of every id in the history. */
function mistralIds(reply: Reply): Reply {
  return (rec: Recorded) => {
    for (const m of rec.body.messages as Msg[]) {
      const bad = [...(m.tool_calls ?? []).map((c) => c.id), ...(m.tool_call_id ? [m.tool_call_id] : [])].find((id) => !/^[a-zA-Z0-9]{9}$/.test(id));
      if (bad) return json({ object: 'error', message: `Tool call id was ${bad} but must be a-z, A-Z, 0-9, with a length of 9.`, type: 'invalid_request_message', param: null, code: '3280' }, 400)(rec);
    }
    return reply(rec);
  };
}

const done = openaiCompletion({ role: 'assistant', content: 'Fixed.' }, 'stop');
const idsOf = (rec: Recorded) => (rec.body.messages as Msg[]).flatMap((m) => [...(m.tool_calls ?? []).map((c) => c.id), ...(m.tool_call_id ? [m.tool_call_id] : [])]);

test('Claude Code\'s toolu_ ids: sent again with 9-character ids, the call and its result alike, and the next turn at once', async () => {
  kit.up.next(mistralIds(done), mistralIds(done), mistralIds(done));
  const turn = () => kit.anthropic.messages.create({
    model: 'foundry/mistral-large-2411', max_tokens: 200,
    ...claudeReadRound({ id: 'toolu_01A09q90qw90lq917835lq9' }),
  });
  expect((await turn()).content).toMatchObject([{ type: 'text', text: 'Fixed.' }]);
  expect(kit.up.requests).toHaveLength(2);
  const [call, result] = idsOf(kit.up.requests[1]!);
  expect(call).toMatch(/^[a-zA-Z0-9]{9}$/);
  expect(result).toBe(call!);
  await turn();
  expect(kit.up.requests).toHaveLength(3);
  expect(idsOf(kit.up.requests[2]!)).toEqual([call, call]);
});

test('an OpenAI client\'s own call_ ids (passthrough): served the same way', async () => {
  kit.up.next(mistralIds(done), mistralIds(done));
  const res = await kit.openai.chat.completions.create({
    model: 'foundry/codestral-2501',
    messages: [
      { role: 'user', content: 'Read a' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc123def456', type: 'function', function: { name: 'Read', arguments: '{"path":"a"}' } }] },
      { role: 'tool', tool_call_id: 'call_abc123def456', content: 'file a' },
    ] as OpenAI.Chat.ChatCompletionMessageParam[],
    tools: [{ type: 'function', function: { name: 'Read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
  });
  expect(res.choices[0]!.message.content).toBe('Fixed.');
  expect(kit.up.requests).toHaveLength(2);
  expect(idsOf(kit.up.requests[1]!).every((id) => /^[a-zA-Z0-9]{9}$/.test(id))).toBe(true);
});
