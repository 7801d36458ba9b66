/**
 * What Cursor sends to `/v1/chat/completions` besides plain Chat bodies: a Responses-shaped body
 * (`input`, `instructions`, `reasoning`, `text`; it still wants Chat chunks back), Anthropic-style
 * `cache_control` on content parts and messages, and Anthropic-shaped `tool_choice` objects.
 * The `openai` SDK is the client (its raw body passes through), mock upstreams record what they get.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

let oai: MockOpenAI;
let anth: MockAnthropic;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  oai = await startMockOpenAI();
  anth = await startMockAnthropic();
  t = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${oai.url}", keys: [sk-oai-1234567], allow_private_network: true }
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await oai.stop();
  await anth.stop();
});

/** Sends any body to the Chat endpoint through the SDK, as a client that does not follow the Chat schema would. */
const chat = (body: Record<string, unknown>) => client.chat.completions.create(body as never) as Promise<unknown>;

const responsesShaped = (model: string, stream: boolean) => ({
  model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}),
  instructions: 'You are Cursor.',
  input: [
    { role: 'user', content: [{ type: 'input_text', text: 'Read the file' }] },
    { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-opaque' },
    { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'export const a = 1;' },
    { role: 'user', content: [{ type: 'input_text', text: 'Now explain it' }] },
  ],
  tools: [{ type: 'function', name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false }],
  tool_choice: 'auto',
  reasoning: { effort: 'medium', summary: 'auto' },
  text: { verbosity: 'low' },
  include: ['reasoning.encrypted_content'],
  max_output_tokens: 2048,
});

describe('a Responses-shaped body on /v1/chat/completions', () => {
  test('an OpenAI upstream gets the Chat body it means; the client gets Chat chunks', async () => {
    const stream = (await chat(responsesShaped('oai/gpt-5', true))) as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      usage = c.usage ?? usage;
    }
    expect(text).toBe('Now explain it');
    expect(usage?.total_tokens).toBeGreaterThan(0);
    const sent = oai.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.input).toBeUndefined();
    expect(sent.instructions).toBeUndefined();
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You are Cursor.' },
      { role: 'user', content: [{ type: 'text', text: 'Read the file' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
      { role: 'user', content: [{ type: 'text', text: 'Now explain it' }] },
    ]);
    expect(sent.tools).toEqual([{ type: 'function', function: { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false } }]);
    expect(sent).toMatchObject({ model: 'gpt-5', max_completion_tokens: 2048, reasoning_effort: 'medium', verbosity: 'low', tool_choice: 'auto' });
  });

  test('a Claude upstream too, non-streamed', async () => {
    const r = (await chat(responsesShaped('anth/claude-sonnet-4-5', false))) as OpenAI.Chat.ChatCompletion;
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.message.content).toBe('The tool said: export const a = 1;');
    const sent = anth.lastBody() as unknown as { system: unknown; messages: Array<{ role: string; content: Array<{ type: string }> }> };
    expect(sent.system).toEqual([{ type: 'text', text: 'You are Cursor.' }]);
    expect(sent.messages.map((m) => m.content.map((b) => b.type))).toEqual([['text'], ['tool_use'], ['tool_result', 'text']]);
  });

  test('what only the Responses endpoint can do is a 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'oai/gpt-5', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ model: 'oai/gpt-5', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      [{ model: 'oai/gpt-5', input: [{ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: '' }] }, 'input[0].type'],
    ];
    for (const [body, param] of cases) {
      const err = (await chat(body).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param).toBe(param);
    }
  });

  test('malformed ones are 400s, never 5xx', async () => {
    const bodies = [
      { input: null }, { input: 5 }, { input: [null] }, { input: [5, 'a'] }, { input: [{ type: 'function_call' }] },
      { input: [{ type: 'function_call_output' }] }, { input: [{ role: 'user', content: [null] }] },
      { input: [{ role: 'user', content: [{ type: 'input_image' }] }] }, { input: 'hi', tools: [null] },
      { input: 'hi', tool_choice: { type: 'function' } }, { input: 'hi', text: { format: { type: 'json_schema' } } },
    ];
    for (const b of bodies) {
      const r = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/gpt-5', ...b } });
      expect([r.status, JSON.stringify(b)]).toEqual([400, JSON.stringify(b)]);
    }
  });
});

describe('Anthropic habits on the Chat endpoint', () => {
  test('cache_control on a part or a message reaches a Claude upstream on that block', async () => {
    const long = 'rules '.repeat(50);
    await chat({
      model: 'anth/claude-sonnet-4-5',
      messages: [
        { role: 'system', content: [{ type: 'text', text: long, cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }], cache_control: { type: 'ephemeral' } },
      ],
    });
    const sent = anth.lastBody() as unknown as { system: Array<Record<string, unknown>>; messages: Array<{ content: Array<Record<string, unknown>> }> };
    expect(sent.system).toEqual([{ type: 'text', text: long, cache_control: { type: 'ephemeral' } }]);
    expect(sent.messages[0]!.content).toEqual([{ type: 'text', text: 'first' }, { type: 'text', text: 'second', cache_control: { type: 'ephemeral' } }]);
  });

  test('tool_choice {type: any} and {type: tool, name} take the OpenAI form', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    await chat({ model: 'oai/gpt-4o', messages: [{ role: 'user', content: 'weather?' }], tools, tool_choice: { type: 'any' } });
    expect((oai.requests.at(-1)!.body as { tool_choice: unknown }).tool_choice).toBe('required');
    await chat({ model: 'oai/gpt-4o', messages: [{ role: 'user', content: 'weather?' }], tools, tool_choice: { type: 'tool', name: 'get_weather' } });
    expect((oai.requests.at(-1)!.body as { tool_choice: unknown }).tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
  });
});
