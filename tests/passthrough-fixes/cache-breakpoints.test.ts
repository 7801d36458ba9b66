/**
 * The Messages API takes at most 4 cache breakpoints and refuses the request past that ("A
 * maximum of 4 blocks with cache_control may be provided. Found 5."; Bedrock too). A client that
 * marks each of its user turns (the OpenRouter convention Cursor and Cline follow), or a tool
 * result and the turns around it, sends more, and the history replays them: every later turn
 * failed. The gateway keeps the last 4 marks, on either lane; the mock counts them as the API does.
 */
import type OpenAI from 'openai';
import type Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit();
type Json = Record<string, any>;
const EPHEMERAL = { type: 'ephemeral' } as const;

/** Where the body the mock received carries `cache_control`, as "system.0", "messages.2.content.0"… */
function marksOf(body: Json): string[] {
  const out: string[] = [];
  (body.system ?? []).forEach((s: Json, i: number) => s.cache_control && out.push(`system.${i}`));
  body.messages.forEach((m: Json, i: number) => Array.isArray(m.content) && m.content.forEach((b: Json, j: number) => b.cache_control && out.push(`messages.${i}.content.${j}`)));
  return out;
}

test('an OpenAI client marking each user turn (translated): the last 4 marks go, and the turn is answered', async () => {
  const turns = ['one', 'two', 'three', 'four', 'five'];
  const messages: Json[] = [{ role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: EPHEMERAL }] }];
  for (const t of turns) messages.push({ role: 'user', content: [{ type: 'text', text: `question ${t}`, cache_control: EPHEMERAL }] }, { role: 'assistant', content: `answer ${t}` });
  messages.pop();
  const r = await kit.openai.chat.completions.create({ model: 'claude/claude-sonnet-4-5', messages } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  expect(r.choices[0]!.message.content).toBeTruthy();
  expect(kit.mock.requests).toHaveLength(1);
  expect(marksOf(kit.mock.requests[0]!.body as Json)).toEqual(['messages.2.content.0', 'messages.4.content.0', 'messages.6.content.0', 'messages.8.content.0']);
});

test('an Anthropic client with five marks (passthrough): the earliest loses its mark', async () => {
  const r = await kit.anthropic.messages.create({
    model: 'claude/claude-sonnet-4-5', max_tokens: 100,
    system: [{ type: 'text', text: 'Rules.', cache_control: EPHEMERAL }, { type: 'text', text: 'More rules.', cache_control: EPHEMERAL }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'a', cache_control: EPHEMERAL }] },
      { role: 'assistant', content: [{ type: 'text', text: 'b', cache_control: EPHEMERAL }] },
      { role: 'user', content: [{ type: 'text', text: 'c', cache_control: EPHEMERAL }] },
    ],
  } as Anthropic.MessageCreateParamsNonStreaming);
  expect(r.content.length).toBeGreaterThan(0);
  expect(marksOf(kit.mock.requests[0]!.body as Json)).toEqual(['system.1', 'messages.0.content.0', 'messages.1.content.0', 'messages.2.content.0']);
});
