/**
 * Claude Code sends flags and fields an Anthropic-format endpoint may not take: `anthropic-beta`
 * flags it has not enabled ("Unexpected value(s) `effort-2025-11-24` for the `anthropic-beta`
 * header", Claude behind a proxy to Vertex or Bedrock), `context_management` on
 * every turn (Vertex, Bedrock behind a proxy, vendors' endpoints answer "context_management:
 * Extra inputs are not permitted") and `defer_loading` on its deferred tools ("tools.0.custom.
 * defer_loading: Extra inputs are not permitted"). Each failed every turn. The gateway sends the
 * turn once more without the field the refusal names, and the model's later turns go without it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit({
  mock: { refuseFields: ['context_management', 'tool.defer_loading'], refuseBetas: ['effort-2025-11-24', 'prompt-caching-scope-2026-01-05'] },
  config: `  vendor: { type: anthropic, base_url: "UPSTREAM", keys: [${UPSTREAM_KEY}], allow_private_network: true }\n`,
});

const turn = () => kit.anthropic.beta.messages.create({
  model: 'vendor/claude-sonnet-4-6', max_tokens: 200,
  betas: ['context-management-2025-06-27', 'effort-2025-11-24', 'prompt-caching-scope-2026-01-05'],
  context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
  tools: [
    { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    { name: 'mcp__db__query', input_schema: { type: 'object', properties: { sql: { type: 'string' } } }, defer_loading: true },
  ],
  messages: [{ role: 'user', content: 'hello' }],
} as Anthropic.Beta.MessageCreateParamsNonStreaming);

test('the mock refuses both fields, as such endpoints do (the test below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.origin, maxRetries: 0 });
  const err = await direct.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], context_management: {} } as never).catch((e: unknown) => e);
  expect((err as Error).message).toContain('context_management: Extra inputs are not permitted');
});

test('Claude Code (passthrough): served without the flags and both fields, and its next turn goes without them at once', async () => {
  const msg = await turn();
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(4);
  expect(kit.mock.requests[3]!.headers['anthropic-beta']).toBe('context-management-2025-06-27');
  const last = kit.mock.requests[3]!.body as Record<string, unknown>;
  expect(last.context_management).toBeUndefined();
  expect(last.tools).toEqual([
    { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    { name: 'mcp__db__query', input_schema: { type: 'object', properties: { sql: { type: 'string' } } } },
  ]);
  await turn();
  expect(kit.mock.requests).toHaveLength(5);
  expect((kit.mock.requests[4]!.body as Record<string, unknown>).context_management).toBeUndefined();
  expect(kit.mock.requests[4]!.headers['anthropic-beta']).toBe('context-management-2025-06-27');
});

/**
 * A thinking block cannot be marked for caching, and the API names the field by its path in the
 * history ("messages.1.content.0.thinking.cache_control: Extra inputs are not permitted"). A
 * client or proxy that marks the last block of each assistant turn marks one whenever a turn
 * ends in thinking, and the history replays it on every later turn.
 */
test('a thinking block marked for caching in the history: the mark is left out of every thinking block, and the next turn goes without it at once', async () => {
  const marked = { type: 'thinking', thinking: 'Check the file first.', signature: 'EqMockSig-1', cache_control: { type: 'ephemeral' } };
  const turn = (question: string) => kit.anthropic.messages.create({
    model: 'vendor/claude-sonnet-4-5', max_tokens: 200,
    messages: [
      { role: 'user', content: 'read it' },
      { role: 'assistant', content: [marked, { type: 'text', text: 'Done.', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: question },
    ],
  } as unknown as Anthropic.MessageCreateParamsNonStreaming);
  const msg = await turn('and now?');
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(2);
  const [refused, sent] = kit.mock.requests.map((r) => (r.body as { messages: Array<{ content: unknown }> }).messages[1]!.content);
  expect(refused).toEqual([marked, { type: 'text', text: 'Done.', cache_control: { type: 'ephemeral' } }]);
  // The text block keeps its mark: only the blocks of the refused type lose it.
  expect(sent).toEqual([{ type: 'thinking', thinking: 'Check the file first.', signature: 'EqMockSig-1' }, { type: 'text', text: 'Done.', cache_control: { type: 'ephemeral' } }]);
  await turn('and then?');
  expect(kit.mock.requests).toHaveLength(3);
  expect((kit.mock.requests[2]!.body as { messages: Array<{ content: unknown }> }).messages[1]!.content).toEqual(sent);
});

/**
 * Claude 4.5 and later take `temperature` or `top_p`, not both ("`temperature` and `top_p` cannot
 * both be specified for this model. Please use only one."). A client written for an older model
 * that sets both (a combo or alias serving Sonnet 4.5 in its place) failed every turn.
 */
test('temperature and top_p together for Claude 4.5: the turn goes with the temperature alone, and the next at once', async () => {
  const turn = () => kit.anthropic.messages.create({
    model: 'vendor/claude-sonnet-4-5', max_tokens: 100, temperature: 0.3, top_p: 0.9, messages: [{ role: 'user', content: 'sample me' }],
  } as unknown as Anthropic.MessageCreateParamsNonStreaming);
  expect((await turn()).content.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(2);
  expect(kit.mock.requests[1]!.body).toMatchObject({ temperature: 0.3 });
  expect(kit.mock.requests[1]!.body).not.toHaveProperty('top_p');
  await turn();
  expect(kit.mock.requests).toHaveLength(3);
  expect(kit.mock.requests[2]!.body).not.toHaveProperty('top_p');
});
