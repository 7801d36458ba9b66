/**
 * context-trim through a real gateway: the official SDKs as clients, mock upstreams that refuse
 * a prompt as too long once (OpenAI's and Anthropic's wording), then serve the shortened one.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { anthropicErrorBody, startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';
import { TRIMMED_HEADER } from './setup-context-trim.ts';

let small: MockOpenAI;
let anth: MockAnthropic;
let t: TestGateway;
let openai: OpenAI;
let claude: Anthropic;

const OVERFLOW_OPENAI = {
  status: 400,
  body: {
    error: {
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 16000 tokens. Please reduce the length of the messages.",
      type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded',
    },
  },
};
const OVERFLOW_ANTHROPIC = { status: 400, body: anthropicErrorBody(400, 'prompt is too long: 16000 tokens > 8000 maximum', 'invalid_request_error') };

beforeAll(async () => {
  small = await startMockOpenAI();
  anth = await startMockAnthropic();
  t = await startTestGateway(`
providers:
  small: { type: openai, base_url: "${small.url}", keys: [sk-small-1234567], allow_private_network: true }
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
combos:
  both: { strategy: fill-first, models: [small/gpt-4o-mini, anth/claude-sonnet-4-5] }
plugins:
  - context-trim: {}
`);
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  claude = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await small.stop();
  await anth.stop();
});

/** A long chat: the task, 12 earlier exchanges of 3000 characters each, the question. */
function longChat(): OpenAI.Chat.ChatCompletionMessageParam[] {
  const m: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'TASK: refactor the parser' }];
  for (let i = 0; i < 12; i++) m.push({ role: 'assistant', content: `answer ${i} `.padEnd(3000, '.') }, { role: 'user', content: `follow-up ${i} `.padEnd(3000, '.') });
  m.push({ role: 'assistant', content: 'Done.' }, { role: 'user', content: 'What next?' });
  return m;
}

describe('context-trim', () => {
  test('OpenAI client, passthrough lane: refused as too long, shortened, served by the same model', async () => {
    small.script([OVERFLOW_OPENAI]);
    const before = small.requests.length;
    const events: Array<{ provider: string; droppedMessages: number }> = [];
    const off = t.gw.bus.on('context-trim:trimmed', (e) => void events.push(e));
    const { data, response } = await openai.chat.completions.create({ model: 'small/gpt-4o-mini', messages: longChat() }).withResponse();
    off();
    expect(data.choices[0]!.message.content).toBe('What next?');
    expect(response.headers.get(TRIMMED_HEADER)).toMatch(/^\d+ messages; 0 texts$/);
    // The event is named after the plugin, as plugins' events are.
    expect(events).toMatchObject([{ provider: 'small', droppedMessages: expect.any(Number) }]);
    expect(small.requests.length).toBe(before + 2);
    const sent = (small.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages;
    const all = longChat();
    expect(sent.length).toBeLessThan(all.length);
    expect(sent.slice(0, 2).map((m) => m.content)).toEqual(['You are terse.', 'TASK: refactor the parser']);
    expect(sent.slice(-2).map((m) => m.content)).toEqual(['Done.', 'What next?']);
    // Asked to fit 8192 of 16000 tokens (with 10 % to spare): about half of the estimate stays.
    const chars = sent.reduce((s, m) => s + m.content.length, 0);
    const allChars = all.reduce((s, m) => s + String(m.content).length, 0);
    expect(chars).toBeLessThan(allChars * 0.5);
    expect(chars).toBeGreaterThan(allChars * 0.3);
    // Roles still alternate after the task.
    for (let i = 2; i < sent.length; i++) expect(sent[i]!.role).not.toBe(sent[i - 1]!.role);
  });

  test('streamed too', async () => {
    small.script([OVERFLOW_OPENAI]);
    const stream = await openai.chat.completions.create({ model: 'small/gpt-4o-mini', stream: true, messages: longChat() });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('What next?');
  });

  test('Anthropic client with tool use: the shortened request keeps every tool_use with its tool_result', async () => {
    anth.script([OVERFLOW_ANTHROPIC]);
    const tool: Anthropic.Tool = { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'TASK: find the bug' }];
    for (let i = 0; i < 8; i++) {
      messages.push(
        { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'read_file', input: { path: `f${i}.ts` } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `contents ${i} `.padEnd(5000, 'x') }] },
      );
    }
    messages.push({ role: 'assistant', content: 'Read them all.' }, { role: 'user', content: 'So where is it?' });
    const r = await claude.messages.create({ model: 'anth/claude-sonnet-4-5', max_tokens: 512, tools: [tool], messages });
    expect(r.content[0]).toMatchObject({ type: 'text', text: 'So where is it?' });
    // The mock validated the shortened request (tool pairs, alternation) before answering.
    const sent = (anth.lastBody() as unknown as { messages: Array<{ role: string; content: unknown }> }).messages;
    expect(sent.length).toBeLessThan(messages.length);
    expect(JSON.stringify(sent[0])).toContain('TASK: find the bug');
    expect(JSON.stringify(sent.at(-1))).toContain('So where is it?');
  });

  test('on: last — a combo tries its next target with the whole conversation before trimming', async () => {
    small.script([OVERFLOW_OPENAI]);
    const r = await openai.chat.completions.create({ model: 'both', messages: longChat() }).withResponse();
    expect(r.response.headers.get(TRIMMED_HEADER)).toBeNull();
    const sent = (anth.lastBody() as unknown as { messages: unknown[] }).messages;
    expect(sent.length).toBe(longChat().length - 1); // the system message travels apart
  });

  test('still too long after every retry: the upstream\'s 400 reaches the client', async () => {
    small.script([OVERFLOW_OPENAI, OVERFLOW_OPENAI, OVERFLOW_OPENAI]);
    const before = small.requests.length;
    const err = await openai.chat.completions.create({ model: 'small/gpt-4o-mini', messages: longChat() }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('maximum context length');
    expect(small.requests.length).toBe(before + 3);
    const sizes = small.requests.slice(before).map((r) => JSON.stringify(r.body).length);
    expect(sizes[1]).toBeLessThan(sizes[0]!);
    expect(sizes[2]).toBeLessThan(sizes[1]!);
  });

  test('other 400s are not retried', async () => {
    small.script([{ status: 400, body: { error: { message: "Invalid value for 'temperature'.", type: 'invalid_request_error', param: 'temperature' } } }]);
    const before = small.requests.length;
    const err = await openai.chat.completions.create({ model: 'small/gpt-4o-mini', messages: longChat() }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(small.requests.length).toBe(before + 1);
  });
});
