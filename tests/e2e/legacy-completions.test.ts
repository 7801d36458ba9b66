import { afterAll, beforeAll, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** The legacy Completions API, served by chat providers through the hub. */
let up: MockOpenAI;
let t: TestGateway;
let client: OpenAI;
beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream-key-1], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

test('non-stream: the prompt reaches the chat upstream as a user message; text_completion comes back', async () => {
  const r = await client.completions.create({ model: 'up/gpt-4o', prompt: 'complete this', max_tokens: 20, stop: ['\n'] });
  expect(r.object).toBe('text_completion');
  expect(r.choices[0].text).toBe('complete this');
  expect(r.choices[0].finish_reason).toBe('stop');
  expect(r.usage?.total_tokens).toBeGreaterThan(0);
  const sent = up.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }>; stop: string[]; max_tokens?: number };
  expect(sent.messages).toEqual([{ role: 'user', content: 'complete this' }]);
  expect(sent.stop).toEqual(['\n']);
});

test('stream: text chunks, a finish chunk, usage when asked, [DONE]', async () => {
  const stream = await client.completions.create({ model: 'up/gpt-4o', prompt: 'alpha beta gamma', stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const c of stream) {
    text += c.choices[0]?.text ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
    if (c.usage) usage = c.usage;
  }
  expect(text).toBe('alpha beta gamma');
  expect(finish).toBe('stop');
  expect(usage?.completion_tokens).toBeGreaterThan(0);
});

test('fields without an equivalent are refused, not dropped', async () => {
  const err = await client.completions.create({ model: 'up/gpt-4o', prompt: 'x', suffix: 'y' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as Error).message).toContain('suffix');
});
