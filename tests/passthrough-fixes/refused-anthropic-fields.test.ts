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
