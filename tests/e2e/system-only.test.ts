/**
 * An OpenAI Chat client may send only a system message ("Write a haiku about the sea." as the
 * instructions, no user turn): OpenAI answers it. Anthropic and Gemini need a user turn, so the
 * gateway sends the instructions as that turn; the mocks validate each API's rules.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let anth: MockAnthropic;
let gem: MockGemini;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  anth = await startMockAnthropic();
  gem = await startMockGemini();
  t = await startTestGateway(`
providers:
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
  gem: { type: gemini, base_url: "${gem.url}", keys: [AIza-test-key], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await anth.stop();
  await gem.stop();
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Write a haiku about the sea.' }];

describe('a request with only a system message', () => {
  for (const stream of [false, true]) {
    test(`Anthropic upstream (${stream ? 'stream' : 'non-stream'}): the instructions are the user turn`, async () => {
      const text = stream
        ? await collect(await client.chat.completions.create({ model: 'anth/claude-sonnet-4-5', messages, stream: true }))
        : (await client.chat.completions.create({ model: 'anth/claude-sonnet-4-5', messages })).choices[0].message.content;
      expect(text?.length).toBeGreaterThan(0);
      const sent = anth.lastBody() as unknown as Record<string, unknown>;
      expect(sent.system).toBeUndefined();
      expect(sent.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Write a haiku about the sea.' }] }]);
    });

    test(`Gemini upstream (${stream ? 'stream' : 'non-stream'}): the instructions are the user turn`, async () => {
      const text = stream
        ? await collect(await client.chat.completions.create({ model: 'gem/gemini-2.5-flash', messages, stream: true }))
        : (await client.chat.completions.create({ model: 'gem/gemini-2.5-flash', messages })).choices[0].message.content;
      expect(text?.length).toBeGreaterThan(0);
      const sent = gem.lastBody() as Record<string, unknown>;
      expect(sent.systemInstruction).toBeUndefined();
      expect(sent.contents).toEqual([{ role: 'user', parts: [{ text: 'Write a haiku about the sea.' }] }]);
    });
  }
});

async function collect(s: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<string> {
  let out = '';
  for await (const c of s) out += c.choices[0]?.delta?.content ?? '';
  return out;
}
