/**
 * The Messages API refuses a conversation whose `tool_use` ids repeat ("messages.1.content.1:
 * `tool_use` ids must be unique"), and a history that holds one is refused on every later turn.
 * Claude Code 2.1.19 sent its tool calls twice in one turn; an upstream that numbers its calls
 * per reply (`call_0` on every turn), translated for an Anthropic client, repeats ids across
 * turns. The gateway makes the ids unique before the request goes, on both lanes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit();

test('Claude Code\'s tool call sent twice in one turn: served with the repeat left out', async () => {
  const direct = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.origin, maxRetries: 0 });
  const read = { type: 'tool_use' as const, id: 'toolu_01Dup', name: 'Read', input: { path: 'a' } };
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'Read a' },
    { role: 'assistant', content: [read, read] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Dup', content: 'file a' }] },
  ];
  const tools: Anthropic.Tool[] = [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }];
  const refused = await direct.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 200, messages, tools }).catch((e: unknown) => e);
  expect((refused as Error).message).toContain('ids must be unique');
  const msg = await kit.anthropic.messages.create({ model: 'claude/claude-sonnet-4-6', max_tokens: 200, messages, tools });
  expect(msg.content.length).toBeGreaterThan(0);
  expect((kit.mock.requests.at(-1)!.body as { messages: Array<{ content: unknown[] }> }).messages[1]!.content).toEqual([read]);
});

test('an OpenAI client\'s history with call_0 on every turn, to Claude (converted lane): served with the later call renamed', async () => {
  const call = (path: string) => ({ id: 'call_0', type: 'function' as const, function: { name: 'Read', arguments: JSON.stringify({ path }) } });
  const res = await kit.openai.chat.completions.create({
    model: 'claude/claude-sonnet-4-6',
    messages: [
      { role: 'user', content: 'Read a then b' },
      { role: 'assistant', content: null, tool_calls: [call('a')] },
      { role: 'tool', tool_call_id: 'call_0', content: 'file a' },
      { role: 'assistant', content: null, tool_calls: [call('b')] },
      { role: 'tool', tool_call_id: 'call_0', content: 'file b' },
    ],
    tools: [{ type: 'function', function: { name: 'Read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
  });
  expect(res.choices[0]!.message).toBeDefined();
  const sent = (kit.mock.requests.at(-1)!.body as { messages: Array<{ content: Array<{ type: string; id?: string; tool_use_id?: string }> }> }).messages;
  const ids = sent.flatMap((m) => m.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : b.type === 'tool_result' ? [b.tool_use_id] : [])));
  expect(ids).toEqual(['call_0', 'call_0', 'call_0_2', 'call_0_2']);
});
