/**
 * Codex sends Responses input message items with `content: null` on some tool turns, and the API
 * takes them as empty; a gateway that refused them broke Codex where OpenAI did not (oh-my-pi
 * #10956). The gateway takes them too: passed through as sent to a Responses upstream, and left
 * out of a translated request (a message that says nothing).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let rsp: MockResponses;
let claude: MockAnthropic;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  rsp = await startMockResponses({ apiKey: 'sk-rsp-null-1' });
  claude = await startMockAnthropic({ apiKey: 'sk-ant-null-1' });
  t = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${rsp.url}", keys: [sk-rsp-null-1], allow_private_network: true }
  claude: { type: anthropic, base_url: "${claude.origin}", keys: [sk-ant-null-1], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([rsp?.stop(), claude?.stop()]);
});

const input = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] },
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] },
  { type: 'message', role: 'user', content: null },
];

test('to a Responses upstream (passthrough): answered, the item as Codex sent it', async () => {
  const r = await client.responses.create({ model: 'rsp/gpt-5.4', input, store: false } as never) as { output_text: string };
  expect(r.output_text.length).toBeGreaterThan(0);
  expect((rsp.requests.at(-1)!.body as { input: unknown[] }).input.at(-1)).toEqual({ type: 'message', role: 'user', content: null });
});

test('to an Anthropic upstream (translated): answered, the empty item left out', async () => {
  const r = await client.responses.create({ model: 'claude/claude-sonnet-4-5', input, store: false } as never) as { output_text: string };
  expect(r.output_text.length).toBeGreaterThan(0);
  const messages = (claude.requests.at(-1)!.body as { messages: Array<{ role: string }> }).messages;
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
});
