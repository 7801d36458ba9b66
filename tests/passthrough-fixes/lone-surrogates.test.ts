/**
 * A tool output cut in the middle of an emoji leaves a lone surrogate in a coding agent's
 * history; `JSON.stringify` writes it as an escape (`\ud83d`), and strict upstreams refuse the
 * whole body: the Messages API with 400 "no low surrogate in string", DeepSeek with "lone
 * leading surrogate in hex escape". The agent replays its history, so every later turn fails.
 * The gateway reads such an escape as U+FFFD, so the turn is served on every lane, and the
 * rest of the text (a whole emoji included) goes as sent.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let claudeMock: MockAnthropic;
let openaiMock: MockOpenAI;
let t: TestGateway;
let anthropic: Anthropic;
let openai: OpenAI;
let gemini: GoogleGenAI;

beforeAll(async () => {
  claudeMock = await startMockAnthropic({ apiKey: 'sk-ant-up-000001' });
  openaiMock = await startMockOpenAI({ apiKey: 'sk-up-000001' });
  t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${claudeMock.origin}", keys: [sk-ant-up-000001], allow_private_network: true }
  deep: { type: openai, base_url: "${openaiMock.url}", keys: [sk-up-000001], allow_private_network: true }
`);
  anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } });
});
afterAll(async () => {
  await t?.stop();
  await claudeMock?.stop();
  await openaiMock?.stop();
});

/** The tool output as the agent holds it: cut after the first half of 😀, then a whole 😀. */
const CUT = 'build log: done \ud83d';
const SENT = 'build log: done \ufffd';
const QUESTION = 'And now? 😀';

/** Every string the upstream received, in order. */
function texts(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) texts(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) texts(x, out);
  return out;
}

/** What the upstream got holds the repaired output and the question whole, and nothing ill-formed. */
function expectRepaired(body: unknown): void {
  const all = texts(body);
  expect(all.some((s) => s.includes(SENT))).toBe(true);
  expect(all.some((s) => s.includes(QUESTION))).toBe(true);
  expect(all.every((s) => s.isWellFormed())).toBe(true);
}

describe('the mocks refuse a lone surrogate as the strict APIs do (the tests below would catch it)', () => {
  test('Messages API', async () => {
    const direct = new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: claudeMock.origin, maxRetries: 0 });
    const err = await direct.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: CUT }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((err as Error).message)).toContain('no low surrogate in string');
  });
  test('OpenAI-compatible', async () => {
    const direct = new OpenAI({ apiKey: 'sk-up-000001', baseURL: openaiMock.url, maxRetries: 0 });
    const err = await direct.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: CUT }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((err as Error).message)).toContain('lone leading surrogate');
  });
});

const toolTurn: Anthropic.MessageParam[] = [
  { role: 'user', content: 'Run the build.' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'bash', input: { command: 'make' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: CUT }, { type: 'text', text: QUESTION }] },
];
const tools: Anthropic.Tool[] = [{ name: 'bash', description: 'Runs a command.', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }];

const chatTurn: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'Run the build.' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_01', type: 'function', function: { name: 'bash', arguments: '{"command":"make"}' } }] },
  { role: 'tool', tool_call_id: 'call_01', content: CUT },
  { role: 'user', content: QUESTION },
];
const chatTools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }];

for (const stream of [false, true]) {
  const mode = stream ? 'stream' : 'non-stream';
  describe(`through the gateway the turn is served (${mode})`, () => {
    for (const [upstream, model] of [['Anthropic', 'claude/claude-sonnet-4-5'], ['OpenAI-compatible', 'deep/deepseek-chat']] as const) {
      const lastBody = () => (upstream === 'Anthropic' ? claudeMock.requests.at(-1)!.body : openaiMock.requests.at(-1)!.body);

      test(`Anthropic client → ${upstream} upstream`, async () => {
        const params = { model, max_tokens: 50, tools, messages: toolTurn };
        const message = stream ? await anthropic.messages.stream(params).finalMessage() : await anthropic.messages.create(params);
        expect(message.content.length).toBeGreaterThan(0);
        expectRepaired(lastBody());
      });

      test(`OpenAI client → ${upstream} upstream`, async () => {
        const params = { model, tools: chatTools, messages: chatTurn };
        let text = '';
        if (stream) {
          for await (const chunk of await openai.chat.completions.create({ ...params, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
        } else {
          text = (await openai.chat.completions.create(params)).choices[0]!.message.content ?? '';
        }
        expect(text.length).toBeGreaterThan(0);
        expectRepaired(lastBody());
      });

      test(`Gemini client → ${upstream} upstream`, async () => {
        const contents = [{ role: 'user', parts: [{ text: CUT }, { text: QUESTION }] }];
        let text = '';
        if (stream) {
          for await (const chunk of await gemini.models.generateContentStream({ model, contents })) text += chunk.text ?? '';
        } else {
          text = (await gemini.models.generateContent({ model, contents })).text ?? '';
        }
        expect(text.length).toBeGreaterThan(0);
        expectRepaired(lastBody());
      });
    }
  });
}
