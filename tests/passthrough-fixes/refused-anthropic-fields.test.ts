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
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let up: MockAnthropic;
let t: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  up = await startMockAnthropic({ refuseFields: ['context_management', 'tool.defer_loading'], refuseBetas: ['effort-2025-11-24', 'prompt-caching-scope-2026-01-05'] });
  t = await startTestGateway(`providers:
  vendor: { type: anthropic, base_url: "${up.origin}", keys: [sk-vendor-000001], allow_private_network: true }
`);
  client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});
beforeEach(() => up.reset());

const turn = () => client.beta.messages.create({
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
  const direct = new Anthropic({ apiKey: 'sk-vendor-000001', baseURL: up.origin, maxRetries: 0 });
  const err = await direct.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], context_management: {} } as never).catch((e: unknown) => e);
  expect((err as Error).message).toContain('context_management: Extra inputs are not permitted');
});

test('Claude Code (passthrough): served without the flags and both fields, and its next turn goes without them at once', async () => {
  const msg = await turn();
  expect(msg.content.length).toBeGreaterThan(0);
  expect(up.requests).toHaveLength(4);
  expect(up.requests[3]!.headers['anthropic-beta']).toBe('context-management-2025-06-27');
  const last = up.requests[3]!.body as Record<string, unknown>;
  expect(last.context_management).toBeUndefined();
  expect(last.tools).toEqual([
    { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    { name: 'mcp__db__query', input_schema: { type: 'object', properties: { sql: { type: 'string' } } } },
  ]);
  await turn();
  expect(up.requests).toHaveLength(5);
  expect((up.requests[4]!.body as Record<string, unknown>).context_management).toBeUndefined();
  expect(up.requests[4]!.headers['anthropic-beta']).toBe('context-management-2025-06-27');
});
