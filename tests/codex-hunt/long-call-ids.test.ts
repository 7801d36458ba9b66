/**
 * The Responses API refuses a `call_id` over 64 characters ("string too long. Expected a string
 * with maximum length 64"), and the history keeps the call, so every later turn fails the same
 * way (9router #393, OmniRoute #4317, hermes-agent #73492). Such ids come from Codex's MCP calls
 * (`codex_mcp__<server>__<tool>_exec-<uuid>`) and from other providers or gateways that served
 * earlier turns. The gateway fits them, the same on a call and its output and on every turn; the
 * mock upstream validates as the API does.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const MCP_ID = 'codex_mcp__hermes-tools__kanban_complete_exec-6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b';
const TOOL = { type: 'function' as const, name: 'kanban_complete', parameters: { type: 'object', properties: { card: { type: 'string' } } }, strict: false };

let up: MockResponses;
let t: TestGateway;

beforeAll(async () => {
  up = await startMockResponses();
  t = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${up.url}", keys: [sk-rsp-1234567], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

type Item = { type: string; call_id?: string };
const sentCallIds = () => ((up.requests.at(-1)!.body as { input: Item[] }).input).filter((i) => i.call_id).map((i) => i.call_id!);

test('Codex (Responses client, passthrough): a history with an MCP call id over 64 characters goes through, whole and streamed', async () => {
  const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  const input = [
    { type: 'message' as const, role: 'user' as const, content: 'Close the card.' },
    { type: 'function_call' as const, call_id: MCP_ID, name: 'kanban_complete', arguments: '{"card":"42"}' },
    { type: 'function_call_output' as const, call_id: MCP_ID, output: 'closed' },
    { type: 'message' as const, role: 'user' as const, content: 'Thanks. And now?' },
  ];
  const r = await client.responses.create({ model: 'rsp/gpt-5.4', input, tools: [TOOL], store: false });
  expect(r.output_text.length).toBeGreaterThan(0);
  const [call, output] = sentCallIds();
  expect(call).toBe(output);
  expect(call!.length).toBeLessThanOrEqual(64);
  expect(call).toMatch(/^call_[0-9a-f]{32}$/);

  let text = '';
  for await (const e of await client.responses.create({ model: 'rsp/gpt-5.4', input, tools: [TOOL], store: false, stream: true })) {
    if (e.type === 'response.output_text.delta') text += e.delta;
  }
  expect(text.length).toBeGreaterThan(0);
  // The same id on every turn: the upstream's prompt cache keeps hitting.
  expect(sentCallIds()).toEqual([call, output]);
});

test('Claude Code (Anthropic client, translated): a tool_use id over 64 characters from another gateway goes through', async () => {
  const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
  const longId = `toolu_${'x'.repeat(70)}`;
  const m = await client.messages.create({
    model: 'rsp/gpt-5.4', max_tokens: 200,
    tools: [{ name: 'kanban_complete', input_schema: { type: 'object', properties: { card: { type: 'string' } } } }],
    messages: [
      { role: 'user', content: 'Close the card.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: longId, name: 'kanban_complete', input: { card: '42' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: longId, content: 'closed' }] },
    ],
  });
  expect(m.content.some((b) => b.type === 'text')).toBe(true);
  const [call, output] = sentCallIds();
  expect(call).toBe(output);
  expect(call!.length).toBeLessThanOrEqual(64);
});

test('ids that fit are sent as they are', async () => {
  const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  const id = `call_${'a'.repeat(59)}`;
  await client.responses.create({
    model: 'rsp/gpt-5.4', store: false, tools: [TOOL],
    input: [
      { type: 'message', role: 'user', content: 'Close the card.' },
      { type: 'function_call', call_id: id, name: 'kanban_complete', arguments: '{}' },
      { type: 'function_call_output', call_id: id, output: 'closed' },
    ],
  });
  expect(sentCallIds()).toEqual([id, id]);
});
