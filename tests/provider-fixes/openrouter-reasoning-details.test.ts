/**
 * OpenRouter carries the reasoning of Claude, Gemini 3 and OpenAI's reasoning models as
 * `reasoning_details` blocks, which must come back unchanged on the assistant message of a tool
 * loop: "Gemini models require OpenRouter reasoning details to be preserved in each request"
 * (Gemini 3's "Function call is missing a thought_signature"). Claude Code routed there failed on
 * the turn after every tool call. The blocks now travel through the client as a thinking block's
 * signature and go back on the message; calls another model made get Google's placeholder.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

type Json = Record<string, any>;

const kit = useScriptedKit(`
  or: { preset: openrouter, base_url: "UPSTREAM/api/v1", keys: [sk-or-v1-test-000001], allow_private_network: true }
`);

/** OpenRouter in front of Gemini 3: a call of the history without an encrypted block is refused. */
function geminiThree(reply: Reply): Reply {
  return (rec: Recorded) => {
    for (const m of rec.body.messages as Json[]) {
      if (m.role !== 'assistant' || !m.tool_calls) continue;
      if (!(m.reasoning_details ?? []).some((d: Json) => d.type === 'reasoning.encrypted')) {
        const raw = JSON.stringify({ error: { code: 400, message: 'Function call is missing a thought_signature in functionCall parts.', status: 'INVALID_ARGUMENT' } });
        return json({ error: { message: 'Provider returned error', code: 400, metadata: { raw: `Gemini models require OpenRouter reasoning details to be preserved in each request. ${raw}`, provider_name: 'Google AI Studio' } } }, 400)(rec);
      }
    }
    return reply(rec);
  };
}

const SIG = 'EoYBCoMBAb4+9vtGemini3ThoughtSignature==';

/** A streamed turn as OpenRouter sends Gemini 3's: reasoning text and details in pieces, then a call with its encrypted block. */
const callsRead = openaiStream([
  openaiChunk({ role: 'assistant', content: '' }),
  openaiChunk({ reasoning: 'I should ', reasoning_details: [{ type: 'reasoning.text', text: 'I should ', format: 'google-gemini-v1', index: 0 }] }),
  openaiChunk({ reasoning: 'read a.txt.', reasoning_details: [{ type: 'reasoning.text', text: 'read a.txt.', format: 'google-gemini-v1', index: 0 }] }),
  openaiChunk({
    tool_calls: [{ index: 0, id: 'tool_read_1', type: 'function', function: { name: 'Read', arguments: '{"path":"a.txt"}' } }],
    reasoning_details: [{ type: 'reasoning.encrypted', data: SIG, id: 'tool_read_1', format: 'google-gemini-v1', index: 1 }],
  }),
  openaiChunk({}, 'tool_calls'),
  openaiUsage(40, 12),
]);
const answer = openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'It says hello.' }, 'stop'), openaiUsage(60, 4)]);

const TOOLS: Anthropic.Tool[] = [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }];

test('Claude Code on Gemini 3 through OpenRouter: the blocks go back with the call, and the next turn is served', async () => {
  kit.up.next(geminiThree(callsRead), geminiThree(answer));
  const first = await kit.anthropic.messages.stream({
    model: 'or/google/gemini-3-pro-preview', max_tokens: 1000, tools: TOOLS, messages: [{ role: 'user', content: 'What is in a.txt?' }],
  }).finalMessage();
  const call = first.content.find((b) => b.type === 'tool_use')!;
  expect(call).toMatchObject({ name: 'Read', input: { path: 'a.txt' } });
  expect(first.content.some((b) => b.type === 'thinking')).toBe(true);

  // Claude Code sends the turn back as it got it, with the tool's result.
  const second = await kit.anthropic.messages.stream({
    model: 'or/google/gemini-3-pro-preview', max_tokens: 1000, tools: TOOLS,
    messages: [
      { role: 'user', content: 'What is in a.txt?' },
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'hello' }] },
    ],
  }).finalMessage();
  expect(second.content).toMatchObject([{ type: 'text', text: 'It says hello.' }]);
  const sent = (kit.up.requests[1]!.body.messages as Json[]).find((m) => m.role === 'assistant')!;
  expect(sent.reasoning_details).toEqual([
    { type: 'reasoning.text', text: 'I should read a.txt.', format: 'google-gemini-v1', index: 0 },
    { type: 'reasoning.encrypted', data: SIG, id: 'tool_read_1', format: 'google-gemini-v1', index: 1 },
  ]);
});

test('a call another model made (no blocks) gets Google\'s placeholder signature for Gemini 3', async () => {
  kit.up.next(geminiThree(openaiCompletion({ role: 'assistant', content: 'It says hello.' }, 'stop')));
  const msg = await kit.anthropic.messages.create({
    model: 'or/google/gemini-3-pro-preview', max_tokens: 1000, tools: TOOLS,
    messages: [
      { role: 'user', content: 'What is in a.txt?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { path: 'a.txt' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'hello' }] },
    ],
  });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'It says hello.' }]);
  const sent = (kit.up.requests[0]!.body.messages as Json[]).find((m) => m.role === 'assistant')!;
  expect(sent.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: 'skip_thought_signature_validator', format: 'google-gemini-v1', id: 'toolu_01', index: 0 }]);
});

test('not streamed: the reply\'s blocks come back the same way', async () => {
  const details = [{ type: 'reasoning.encrypted', data: SIG, id: 'tool_read_2', format: 'google-gemini-v1', index: 0 }];
  kit.up.next(
    geminiThree(openaiCompletion({
      role: 'assistant', content: null, reasoning_details: details,
      tool_calls: [{ id: 'tool_read_2', type: 'function', function: { name: 'Read', arguments: '{"path":"b.txt"}' } }],
    }, 'tool_calls')),
    geminiThree(openaiCompletion({ role: 'assistant', content: 'Done.' }, 'stop')),
  );
  const first = await kit.anthropic.messages.create({ model: 'or/google/gemini-3-flash-preview', max_tokens: 500, tools: TOOLS, messages: [{ role: 'user', content: 'Read b.txt' }] });
  const call = first.content.find((b) => b.type === 'tool_use')!;
  await kit.anthropic.messages.create({
    model: 'or/google/gemini-3-flash-preview', max_tokens: 500, tools: TOOLS,
    messages: [
      { role: 'user', content: 'Read b.txt' },
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'B' }] },
    ],
  });
  expect((kit.up.requests[1]!.body.messages as Json[]).find((m) => m.role === 'assistant')!.reasoning_details).toEqual(details);
});
