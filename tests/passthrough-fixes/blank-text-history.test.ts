/**
 * A history with a blank text block (Anthropic's own `"\n\n"` before a tool call, or another
 * provider's blank text translated for the client) is refused by the Messages API on every later
 * turn. Claude Code replays its history as it got it, so the passthrough lane drops such blocks:
 * the turn is served, and the rest of the client's body goes unchanged.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let mock: MockAnthropic;
let t: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockAnthropic({ apiKey: 'sk-ant-up-000001' });
  t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${mock.origin}", keys: [sk-ant-up-000001], allow_private_network: true }
`);
  client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
});

const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather.', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
const history: Anthropic.MessageParam[] = [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: '\n\n' },
      { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'sunny' }, { type: 'text', text: ' ' }] },
];

test('the mock refuses the history as the API does (the test would catch the 400)', async () => {
  const direct = new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: mock.origin, maxRetries: 0 });
  const err = await direct.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, tools, messages: history }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect(String((err as Error).message)).toContain('non-whitespace text');
});

for (const stream of [false, true]) {
  test(`through the gateway the turn is served, blank blocks dropped, the rest as sent (${stream ? 'stream' : 'non-stream'})`, async () => {
    const before = mock.requests.length;
    const params = { model: 'claude/claude-sonnet-4-5', max_tokens: 100, tools, messages: history };
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect(message.content.length).toBeGreaterThan(0);
    expect(mock.requests.length).toBe(before + 1);
    const sent = mock.requests.at(-1)!.body as { messages: unknown[]; tools: unknown[] };
    expect(sent.messages).toEqual([
      history[0],
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'sunny' }] },
    ]);
    expect(sent.tools).toEqual(tools);
  });
}

test('an interrupted turn kept with no content is dropped, and the turns around it joined (the API refuses an empty message)', async () => {
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'Refactor the parser.' },
    { role: 'assistant', content: [] },
    { role: 'user', content: 'Go on.' },
  ];
  const direct = new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: mock.origin, maxRetries: 0 });
  const err = await direct.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages }).catch((e: unknown) => e);
  expect(String((err as Error).message)).toContain('all messages must have non-empty content');
  const message = await client.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages });
  expect(message.content.length).toBeGreaterThan(0);
  expect((mock.requests.at(-1)!.body as { messages: unknown[] }).messages).toEqual([
    { role: 'user', content: [{ type: 'text', text: 'Refactor the parser.' }, { type: 'text', text: 'Go on.' }] },
  ]);
});
