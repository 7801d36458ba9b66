/**
 * Claude Code asks for max_tokens 32000 (thinking budget 31999) on every turn. Routed to a model
 * that writes less (an alias to a Haiku, an Anthropic-compatible vendor), every turn was refused:
 * "max_tokens: 32000 > 8192, which is the maximum allowed number of output tokens for …". The
 * gateway sends the turn once more capped at the stated limit, the thinking budget below it,
 * and caps the model's later turns before they go; a model whose limit the config gives
 * (`max_output_tokens` quirk) is capped on the first turn.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const KEY = 'sk-ant-up-000001';
const HAIKU = 'claude-3-5-haiku-20241022';
let mock: MockAnthropic;
let t: TestGateway;

beforeAll(async () => {
  mock = await startMockAnthropic({ apiKey: KEY, maxOutputTokens: { [HAIKU]: 8192, 'small-model': 4096 } });
  t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${mock.origin}", keys: [${KEY}], allow_private_network: true }
  vendor:
    type: anthropic
    base_url: "${mock.origin}"
    keys: [${KEY}]
    allow_private_network: true
    quirks: { models: { small-model: { max_output_tokens: 4096 } } }
`);
});
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
});

/** Claude Code's request shape: a large max_tokens, thinking with all but one token of it. */
const turn = (model: string): Anthropic.MessageStreamParams => ({
  model, max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 },
  messages: [{ role: 'user', content: 'Rename the function.' }],
});
/** Streamed, as Claude Code asks (the SDK refuses a non-streamed call this large). */
const ask = (client: Anthropic, model: string) => client.messages.stream(turn(model)).finalMessage();
const sent = () => mock.requests.at(-1)!.body as { max_tokens: number; thinking?: { budget_tokens: number } };

test('the mock refuses a max_tokens above the model\'s limit, as the API does (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: KEY, baseURL: mock.origin, maxRetries: 0 });
  const err = await ask(direct, HAIKU).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect(String((err as Error).message)).toContain('max_tokens: 32000 > 8192, which is the maximum allowed number of output tokens');
});

test('Claude Code (passthrough): refused once, served capped at 8192 with the budget below it; the next turn goes capped at once', async () => {
  const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  const before = mock.requests.length;
  expect((await ask(client, `claude/${HAIKU}`)).content.length).toBeGreaterThan(0);
  expect(mock.requests.length).toBe(before + 2);
  expect(sent().max_tokens).toBe(8192);
  expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 8191 } as never);
  expect((await ask(client, `claude/${HAIKU}`)).content.length).toBeGreaterThan(0);
  expect(mock.requests.length).toBe(before + 3);
  expect(sent().max_tokens).toBe(8192);
});

test('a model whose limit the config gives is capped on the first turn, on both lanes', async () => {
  const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  const before = mock.requests.length;
  await ask(client, 'vendor/small-model');
  expect(mock.requests.length).toBe(before + 1);
  expect(sent().max_tokens).toBe(4096);
  expect(sent().thinking?.budget_tokens).toBe(4095);
  const openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  await openai.chat.completions.create({ model: 'vendor/small-model', max_tokens: 20000, messages: [{ role: 'user', content: 'hi' }] });
  expect(mock.requests.length).toBe(before + 2);
  expect(sent().max_tokens).toBe(4096);
});

test('a request within the limit goes as the client sent it', async () => {
  const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  await client.messages.create({ model: `claude/${HAIKU}`, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] });
  expect(sent().max_tokens).toBe(1000);
  expect(sent().thinking).toBeUndefined();
});
