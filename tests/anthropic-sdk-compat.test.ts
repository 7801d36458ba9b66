/**
 * Wire compatibility of the Anthropic dialect with the official SDK, which parses strictly:
 * a small server decodes with the `anthropic-messages` translator, produces hub parts (either
 * scripted, or from the `anthropic` provider talking to the mock upstream) and encodes them back;
 * `@anthropic-ai/sdk` is the client.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { GatewayError, toGatewayError } from '../core/errors/gateway-error.ts';
import type { AccountRuntime, Attempt, CallContext, HttpInput, ProviderRuntime } from '../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../core/types/hub.ts';
import { anthropicAdapter } from '../plugins/provider/anthropic/anthropic-chat.ts';
import { createAnthropicMessagesTranslator } from '../plugins/translator/anthropic-messages/plugin.ts';
import { startMockAnthropic, type MockAnthropic } from './helpers/mock-anthropic-upstream.ts';

/** What the server answers with instead of calling the provider, when set. */
let script: { parts?: StreamPart[]; result?: ChatResult; error?: GatewayError } = {};
let mock: MockAnthropic;
let server: ReturnType<typeof Bun.serve>;
let client: Anthropic;
const translator = createAnthropicMessagesTranslator({ bodyLimitBytes: () => 10 * 1024 * 1024 });

const account: AccountRuntime = { id: 'k', label: 'k', secret: 'sk-ant-test', priority: 0, weight: 1 };

function attempt(): Attempt {
  const provider = {
    name: 'claude', type: 'anthropic', baseUrl: mock.url, accounts: [account], headers: {}, options: {},
  } as unknown as ProviderRuntime;
  return {
    n: 1, last: true, target: { provider: 'claude', model: 'claude-sonnet-4-5' }, provider, account, passthrough: false,
    signal: new AbortController().signal, fetch: (url, init) => fetch(url, init as RequestInit),
  };
}

function partsOf(list: StreamPart[]): ReadableStream<StreamPart> {
  return new ReadableStream({ start(c) { for (const p of list) c.enqueue(p); c.close(); } });
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const input: HttpInput = { request, url, method: request.method, params: {}, headers: request.headers, body: await request.json() };
  const call = { id: 'req_sdk', http: input } as unknown as CallContext;
  try {
    const req = await translator.decode(input);
    const body = req.body as ChatRequest;
    if (script.error) throw script.error;
    if (req.stream) {
      const parts = script.parts ? partsOf(script.parts) : await anthropicAdapter.chat!.stream(body, attempt(), call);
      return new Response(translator.encodeStream(parts, req, call), { headers: translator.streamHeaders?.(req, call) });
    }
    const result = script.result ?? (await anthropicAdapter.chat!.generate(body, attempt(), call));
    return translator.encodeResult(result, req, call);
  } catch (e) {
    return translator.encodeError(toGatewayError(e), call);
  }
}

beforeAll(async () => {
  mock = await startMockAnthropic();
  server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handle });
  client = new Anthropic({ apiKey: 'client-key', baseURL: `http://127.0.0.1:${server.port}`, maxRetries: 0 });
});
afterAll(async () => {
  await server.stop(true);
  await mock.stop();
});

describe('@anthropic-ai/sdk against the anthropic-messages dialect', () => {
  test('messages.stream().finalMessage() through the anthropic provider: thinking + tool_use', async () => {
    script = {};
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    const thinking = final.content[0] as Anthropic.ThinkingBlock;
    expect(thinking.signature.startsWith('EqMockSig')).toBe(true);
    expect(texts.join('')).toBe("I'll check the weather for you.");
    const tool = final.content[2] as Anthropic.ToolUseBlock;
    expect(tool.input).toEqual({ location: 'Paris' });
    expect(tool.id.startsWith('toolu_')).toBe(true);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);

    // The SDK's own next turn (thinking block with signature sent back) is accepted upstream.
    const next = await client.messages.create({
      model: 'claude-sonnet-4-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: final.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, content: '21C' }] },
      ],
    });
    expect(next.content.find((b) => b.type === 'text')).toMatchObject({ text: 'The tool said: 21C' });
    expect(mock.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-test');
  });

  test('scripted foreign parts: wrapped signature, tool input, stop_sequence, cache usage', async () => {
    script = {
      parts: [
        { type: 'start', id: 'chatcmpl-xyz', model: 'gpt-5' },
        { type: 'reasoning-delta', text: 'thinking elsewhere' },
        { type: 'reasoning-end', signature: 'enc-blob', origin: 'openai-responses' },
        { type: 'text-delta', text: 'Done' },
        { type: 'tool-call-start', id: 'call_9', name: 'lookup', index: 0 },
        { type: 'tool-call-delta', id: 'call_9', index: 0, argumentsDelta: '{"q":' },
        { type: 'tool-call-delta', id: 'call_9', index: 0, argumentsDelta: '"x"}' },
        { type: 'tool-call-end', id: 'call_9', index: 0 },
        { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 100 } },
      ],
    };
    const final = await client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(final.id).toBe('msg_chatcmpl-xyz');
    expect(final.model).toBe('gpt-5');
    expect((final.content[0] as Anthropic.ThinkingBlock).signature).toBe('swy1:openai-responses:enc-blob');
    expect((final.content[2] as Anthropic.ToolUseBlock).input).toEqual({ q: 'x' });
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 100 });
  });

  test('messages.create (non-stream) result', async () => {
    script = { result: { id: 'r1', model: 'm', content: [{ type: 'text', text: 'one END' }], finishReason: 'stop', stopSequence: 'END', usage: { inputTokens: 3, outputTokens: 2 } } };
    const msg = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  test('HTTP error envelope → typed SDK error', async () => {
    script = { error: new GatewayError('GW_UNAVAILABLE', 'Overloaded', { status: 529 }) };
    const err = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(529);
    expect(err.error.error.type).toBe('overloaded_error');
    script = {};
    const bad = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text' } as never] }] }).catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect(bad.error.error.type).toBe('invalid_request_error');
  });

  test('mid-stream error event → the SDK stream throws overloaded_error', async () => {
    script = { parts: [{ type: 'text-delta', text: 'partial' }, { type: 'error', error: new GatewayError('GW_UNAVAILABLE', 'Overloaded', { status: 529 }) }] };
    const stream = client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const err = await stream.finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.type ?? err.error?.error?.type).toBe('overloaded_error');
  });

  test('upstream fault before the first byte → HTTP error to the SDK', async () => {
    script = {};
    mock.script([{ status: 429, retryAfter: '2' }]);
    const err = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('2');
  });
});
