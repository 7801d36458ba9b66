/**
 * prompt-cache through a real gateway: the official SDKs against an Anthropic mock that emulates
 * prompt caching (reads and writes reported in usage, as the API does), and an OpenAI mock.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { anthropicErrorBody, startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

let anth: MockAnthropic;
let compat: MockAnthropic;
let oai: MockOpenAI;
let t: TestGateway;
let openai: OpenAI;
let claude: Anthropic;

/** A system prompt well over the 1024-token minimum of a cached prefix. */
const SYSTEM = `You are a careful coding agent. ${'Follow the project rules. '.repeat(400)}`;

beforeAll(async () => {
  anth = await startMockAnthropic({ promptCache: true });
  compat = await startMockAnthropic({ promptCache: true });
  oai = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true, models: [claude-sonnet-4-5],
          pricing: { claude-sonnet-4-5: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } } }
  compat: { type: anthropic, base_url: "${compat.origin}", keys: [sk-compat-123456], allow_private_network: true }
  oai: { type: openai, base_url: "${oai.url}", keys: [sk-oai-1234567], allow_private_network: true }
plugins:
  - prompt-cache: {}
`);
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  claude = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await anth.stop();
  await compat.stop();
  await oai.stop();
});

const sentBody = (m: MockAnthropic) => m.lastBody() as unknown as Record<string, unknown>;

async function lastRow() {
  await t.settled();
  t.gw.usage.flush();
  return t.gw.usage.recent(1)[0]!;
}

describe('prompt-cache', () => {
  test('an OpenAI client on Claude: the second turn reads what the first wrote, and costs less', async () => {
    const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Read src/app.ts' }];
    const first = await openai.chat.completions.create({ model: 'anth/claude-sonnet-4-5', messages: history });
    expect(sentBody(anth).cache_control).toEqual({ type: 'ephemeral' });
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const firstRow = await lastRow();

    history.push({ role: 'assistant', content: first.choices[0]!.message.content! }, { role: 'user', content: 'Now fix it' });
    const second = await openai.chat.completions.create({ model: 'anth/claude-sonnet-4-5', messages: history });
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(1000);
    const secondRow = await lastRow();
    expect(secondRow.cachedTokens).toBe(cached);
    // A longer prompt, yet cheaper: most of it is read from the cache at a tenth of the price.
    expect(secondRow.inputTokens).toBeGreaterThan(firstRow.inputTokens);
    expect(secondRow.costUsd).toBeLessThan(firstRow.costUsd * 0.5);
  });

  test('streamed, the same', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'stream please' }];
    for (let turn = 0; turn < 2; turn++) {
      const stream = await openai.chat.completions.create({ model: 'anth/claude-sonnet-4-5', stream: true, stream_options: { include_usage: true }, messages });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of stream) usage = c.usage ?? usage;
      if (turn === 1) expect(usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(1000);
    }
  });

  test('an Anthropic client without cache_control (passthrough) gets it too', async () => {
    const r = await claude.messages.create({ model: 'anth/claude-sonnet-4-5', max_tokens: 64, system: `${SYSTEM} (anthropic)`, messages: [{ role: 'user', content: 'hi' }] });
    expect(sentBody(anth).cache_control).toEqual({ type: 'ephemeral' });
    expect(r.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
  });

  test('a request that marks its own breakpoints (Claude Code) is left exactly as sent', async () => {
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: `${SYSTEM} (own)`, cache_control: { type: 'ephemeral' } }];
    await claude.messages.create({ model: 'anth/claude-sonnet-4-5', max_tokens: 64, system, messages: [{ role: 'user', content: 'hi' }] });
    const sent = sentBody(anth);
    expect(sent.cache_control).toBeUndefined();
    expect(sent.system).toEqual(system);
  });

  test('a breakpoint inside a tool_result counts as the request marking its own', async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: `${SYSTEM} read the file` },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'export {}', cache_control: { type: 'ephemeral' } }] }] },
    ];
    const tools: Anthropic.Tool[] = [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }];
    await claude.messages.create({ model: 'anth/claude-sonnet-4-5', max_tokens: 64, messages, tools });
    const sent = sentBody(anth);
    expect(sent.cache_control).toBeUndefined();
    expect(sent.messages).toEqual(messages);
  });

  test('a 400 that says nothing of cache_control: the retry without it answers, and fails as it would have', async () => {
    compat.script([{ status: 400, body: anthropicErrorBody(400, 'Invalid request.') }, { status: 400, body: anthropicErrorBody(400, 'messages: roles must alternate') }]);
    const before = compat.requests.length;
    const err = await openai.chat.completions.create({ model: 'compat/glm-4.6', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('roles must alternate');
    expect(compat.requests.length).toBe(before + 2);
  });

  test('a provider that refuses the field gets the request without it, then is not asked again', async () => {
    compat.script([{ status: 400, body: anthropicErrorBody(400, 'cache_control: Extra inputs are not permitted') }]);
    const before = compat.requests.length;
    const r = await openai.chat.completions.create({ model: 'compat/glm-4.6', messages: [{ role: 'user', content: 'hello' }] });
    expect(r.choices[0]!.message.content).toBe('hello');
    expect(compat.requests.length).toBe(before + 2);
    expect(sentBody(compat).cache_control).toBeUndefined();
    await openai.chat.completions.create({ model: 'compat/glm-4.6', messages: [{ role: 'user', content: 'again' }] });
    expect(compat.requests.length).toBe(before + 3);
    expect(sentBody(compat).cache_control).toBeUndefined();
  });

  test('other providers are not touched', async () => {
    await openai.chat.completions.create({ model: 'oai/gpt-4o', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'x' }] });
    expect(JSON.stringify(oai.requests.at(-1)!.body)).not.toContain('cache_control');
  });

  test('ttl: 1h, and its writes are billed at the one-hour price', async () => {
    await t.writeConfig(`
providers:
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true, models: [claude-sonnet-4-5],
          pricing: { claude-sonnet-4-5: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, cache_write_1h: 6 } } }
plugins:
  - prompt-cache: { ttl: 1h }
`);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: `An hour. ${SYSTEM}` }, { role: 'user', content: 'an hour' }];
    await openai.chat.completions.create({ model: 'anth/claude-sonnet-4-5', messages });
    expect(sentBody(anth).cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    const row = await lastRow();
    const written = row.inputTokens - row.cachedTokens; // a few fresh tokens besides the write
    expect(written).toBeGreaterThan(1000);
    // Nearly all of the prompt was written for an hour: about 2 × input, not 1.25 ×.
    const atFiveMinutePrice = (written * 3.75 + row.outputTokens * 15) / 1e6;
    expect(row.costUsd).toBeGreaterThan(atFiveMinutePrice * 1.4);
  });
});
