import { afterAll, beforeAll, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** A feature only one upstream format can run is never silently dropped. */
let anth: MockAnthropic;
let t: TestGateway;
beforeAll(async () => {
  anth = await startMockAnthropic();
  t = await startTestGateway(`
providers:
  mock: { type: mock }
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
combos:
  mixed: { models: [mock/echo, anth/claude-sonnet-4-5] }
`);
});
afterAll(async () => {
  await t.stop();
  await anth.stop();
});

const webSearch = { type: 'web_search_20250305', name: 'web_search' } as unknown as Anthropic.Messages.Tool;

test('Anthropic server tools to a non-Anthropic provider → clear 400 in the Anthropic dialect', async () => {
  const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
  const err = await client.messages
    .create({ model: 'mock/echo', max_tokens: 50, tools: [webSearch], messages: [{ role: 'user', content: 'search it' }] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect((err as Error).message).toContain('web_search_20250305');
});

test('in a combo the request falls through to the provider that can run it', async () => {
  const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
  const before = anth.requests.length;
  const msg = await client.messages.create({ model: 'mixed', max_tokens: 50, tools: [webSearch], messages: [{ role: 'user', content: 'search it' }] });
  expect(msg.type).toBe('message');
  expect(anth.requests.length).toBe(before + 1);
  expect(JSON.stringify(anth.requests.at(-1)!.body)).toContain('web_search_20250305');
});
