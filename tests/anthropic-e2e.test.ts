/**
 * The Anthropic dialect and provider inside a real gateway: the official Anthropic SDK (as
 * Claude Code uses it) against Anthropic and OpenAI upstreams, and the OpenAI SDK against an
 * Anthropic upstream. Upstreams are the local mocks.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from './helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from './helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';

let claude: MockAnthropic;
let oai: MockOpenAI;
let gw: TestGateway;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  claude = await startMockAnthropic({ apiKey: 'sk-ant-upstream' });
  oai = await startMockOpenAI({ apiKey: 'sk-oai-upstream' });
  gw = await startTestGateway(`
providers:
  claude: { type: anthropic, base_url: ${claude.origin}, keys: [ "sk-ant-upstream" ], allow_private_network: true }
  oai: { type: openai, base_url: ${oai.url}, keys: [ "sk-oai-upstream" ], allow_private_network: true }
aliases:
  "claude-*haiku*": oai/gpt-4o-mini     # the small model Claude Code asks for by its own id
  "claude-*": claude/claude-sonnet-4-5
`);
  anthropic = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await claude?.stop();
  await oai?.stop();
});

const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { location: { type: 'string' } } } };

describe('Anthropic SDK → gateway', () => {
  test('→ Anthropic upstream: stream with thinking, body forwarded with only the model replaced', async () => {
    const final = await anthropic.messages.stream({
      model: 'claude/claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hello gateway' }],
    }).finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect((final.content[1] as Anthropic.TextBlock).text).toBe('hello gateway');
    const sent = claude.requests.at(-1);
    expect(sent?.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(sent?.body).toEqual({
      model: 'claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hello gateway' }], stream: true,
    });
  });

  test('→ Anthropic upstream: upstream 400 reaches the client as invalid_request_error', async () => {
    const err = await anthropic.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 10, messages: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error.type).toBe('invalid_request_error');
  });

  test("Claude Code's own model ids are routed by glob aliases; the globs are not listed as models", async () => {
    const small = await anthropic.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 50, messages: [{ role: 'user', content: 'title please' }] });
    expect((small.content[0] as Anthropic.TextBlock).text).toContain('title please');
    expect(oai.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini' });
    await anthropic.messages.create({ model: 'claude-opus-4-1-20250805', max_tokens: 50, messages: [{ role: 'user', content: 'big one' }] });
    expect(claude.requests.at(-1)?.body).toMatchObject({ model: 'claude-sonnet-4-5' });
    const ids: string[] = [];
    for await (const m of anthropic.models.list()) ids.push(m.id);
    expect(ids.some((id) => id.includes('*'))).toBe(false);
  });

  test('count_tokens answers with an estimate', async () => {
    const r = await anthropic.messages.countTokens({ model: 'claude/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(r.input_tokens).toBeGreaterThan(90);
    expect(r.input_tokens).toBeLessThan(130);
  });

  test('→ OpenAI upstream: tool loop in the Anthropic shape', async () => {
    const first = await anthropic.messages.stream({
      model: 'oai/gpt-4o-mini', max_tokens: 500, tools: [weather],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    }).finalMessage();
    const tool = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(first.stop_reason).toBe('tool_use');
    expect(tool.name).toBe('get_weather');
    expect(typeof tool.input).toBe('object');
    const second = await anthropic.messages.create({
      model: 'oai/gpt-4o-mini', max_tokens: 500, tools: [weather],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, content: 'sunny' }] },
      ],
    });
    expect(second.type).toBe('message');
    const sent = oai.requests.at(-1)?.body as { messages: Array<{ role: string; tool_call_id?: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[2].tool_call_id).toBe(tool.id);
  });

  test('→ OpenAI upstream: Anthropic server tools are refused with a clear 400', async () => {
    const err = await anthropic.messages.create({
      model: 'oai/gpt-4o-mini', max_tokens: 50,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'search' }],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error.message).toContain('web_search_20250305');
  });
});

describe('OpenAI SDK → gateway → Anthropic upstream', () => {
  test('tool call and json_schema via the tool trick', async () => {
    const r = await openai.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.input_schema } }],
    });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(JSON.parse(r.choices[0].message.tool_calls?.[0].type === 'function' ? r.choices[0].message.tool_calls[0].function.arguments : '{}')).toEqual({ location: 'Paris' });
    expect((claude.requests.at(-1)?.body as { system: unknown }).system).toEqual([{ type: 'text', text: 'Be brief.' }]);

    const j = await openai.chat.completions.create({
      model: 'claude/claude-sonnet-4-5', messages: [{ role: 'user', content: 'json' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
    });
    expect(JSON.parse(j.choices[0].message.content ?? '')).toEqual({ a: 'mock a' });
    expect(j.choices[0].finish_reason).toBe('stop');
  });

  test('stream: text deltas and usage', async () => {
    const s = await openai.chat.completions.create({
      model: 'claude/claude-sonnet-4-5', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me please' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const ch of s) {
      text += ch.choices[0]?.delta?.content ?? '';
      if (ch.usage) usage = ch.usage;
    }
    expect(text).toBe('stream me please');
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });
});
