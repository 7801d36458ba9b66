/**
 * Structured output on Amazon Bedrock end to end, against the fake Bedrock runtime
 * (tests/helpers/mock-bedrock.ts), with the official SDKs as clients: OpenAI chat
 * `response_format` (json_schema and json_object, streamed or not, and `chat.completions.parse`),
 * Responses `text.format`, Gemini `responseMimeType` + `responseSchema` (and `text/x.enum`) and
 * Anthropic `output_config.format`. Converse gets a
 * forced tool whose input schema is the wanted schema (the tool trick); the client gets the
 * tool's input as its text answer, finish reason stop, and usage. Also: client tools beside it,
 * text the model writes around the call, and models that refuse tools.
 */
import Anthropic from '@anthropic-ai/sdk';
import { FinishReason, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { MockBedrock } from '../helpers/mock-bedrock.ts';
import type { TestGateway } from '../helpers/test-gateway.ts';
import { bedrockEntry, startBedrockKit, type BedrockKit } from './bedrock-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const DEEPSEEK = 'us.deepseek.r1-v1:0';
const LLAMA = 'meta.llama3-1-70b-instruct-v1:0';
const API_KEY = 'ABSKmock-structured-QmVkcm9ja0FQSUtleS1tb2Nr';

let kit: BedrockKit;
let mock: MockBedrock;
let t: TestGateway;
let openai: OpenAI;
let gemini: GoogleGenAI;
let anthropic: Anthropic;

type Json = Record<string, any>;
const sent = () => mock.requests.at(-1)!;
const lastRow = () => kit.lastRow();

const PERSON = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 30 }, tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } }, nick: { type: 'string' } },
  required: ['name', 'age', 'tags'],
  additionalProperties: false,
};
/** What the mock answers for PERSON: the required properties, strings saying the prompt. */
const personFor = (prompt: string) => ({ name: prompt, age: 30, tags: ['a'] });
const responseFormat = { type: 'json_schema' as const, json_schema: { name: 'person', description: 'A person.', schema: PERSON, strict: true } };
const FORCED = { tools: [{ toolSpec: { name: 'json_output', description: 'A person.', inputSchema: { json: PERSON } } }], toolChoice: { tool: { name: 'json_output' } } };

beforeAll(async () => {
  kit = await startBedrockKit({ apiKeys: [API_KEY] }, (url) => `
providers:
  bedrock: ${bedrockEntry(url, API_KEY, [MODEL, DEEPSEEK, LLAMA])}
combos:
  deepseek-then-claude: { models: ["bedrock/${DEEPSEEK}", "bedrock/${MODEL}"] }
`);
  ({ mock, t, openai, anthropic, gemini } = kit);
});
afterAll(() => kit.stop());

describe('OpenAI chat response_format', () => {
  test('json_schema: the forced tool carries the schema; its input comes back as the text, finish stop, usage recorded', async () => {
    const r = await openai.chat.completions.create({ model: `bedrock/${MODEL}`, response_format: responseFormat, messages: [{ role: 'user', content: 'Describe Ada.' }] });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual(personFor('Describe Ada.'));
    expect([r.choices[0]!.finish_reason, r.choices[0]!.message.tool_calls]).toEqual(['stop', undefined]);
    expect(r.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    expect(sent().body).toMatchObject({ toolConfig: FORCED });
    const row = await lastRow();
    expect([row.provider, row.status, row.inputTokens, row.outputTokens]).toEqual(['bedrock', 'ok', 12, 5]);
  });

  test('json_schema streamed: the input fragments arrive as content deltas, finish stop, usage at the end', async () => {
    const s = await openai.chat.completions.create({
      model: `bedrock/${MODEL}`, response_format: responseFormat, stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Describe Grace.' }],
    });
    const deltas: string[] = [];
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let toolCalls = 0;
    for await (const c of s) {
      if (c.choices[0]?.delta.content) deltas.push(c.choices[0].delta.content);
      if (c.choices[0]?.delta.tool_calls) toolCalls++;
      finish = c.choices[0]?.finish_reason ?? finish;
      usage = c.usage ?? usage;
    }
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(deltas.join(''))).toEqual(personFor('Describe Grace.'));
    expect([finish, toolCalls]).toEqual(['stop', 0]);
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    expect(sent()).toMatchObject({ stream: true, body: { toolConfig: FORCED } });
    const row = await lastRow();
    expect([row.status, row.inputTokens, row.outputTokens]).toEqual(['ok', 12, 5]);
  });

  test('json_object: a forced tool that takes any object', async () => {
    const r = await openai.chat.completions.create({ model: `bedrock/${MODEL}`, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'Any JSON.' }] });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual({ answer: 'Any JSON.' });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    const config = (sent().body as Json).toolConfig;
    expect(config.tools[0].toolSpec).toMatchObject({ name: 'json_output', inputSchema: { json: { type: 'object' } } });
    expect(config.toolChoice).toEqual({ tool: { name: 'json_output' } });
  });

  test('chat.completions.parse: the SDK parses the answer', async () => {
    const r = await openai.chat.completions.parse({ model: `bedrock/${MODEL}`, response_format: responseFormat, messages: [{ role: 'user', content: 'Parse Ada.' }] });
    expect(r.choices[0]!.message.parsed).toEqual(personFor('Parse Ada.'));
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  test('text the model writes before the call is not part of the answer, streamed or not', async () => {
    const messages = [{ role: 'user' as const, content: 'Ada, with a preamble.' }];
    const r = await openai.chat.completions.create({ model: `bedrock/${MODEL}`, response_format: responseFormat, messages });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual(personFor(messages[0]!.content));
    let streamed = '';
    for await (const c of await openai.chat.completions.create({ model: `bedrock/${MODEL}`, response_format: responseFormat, messages, stream: true })) streamed += c.choices[0]?.delta.content ?? '';
    expect(JSON.parse(streamed)).toEqual(personFor(messages[0]!.content));
  });

  test('beside client tools: choice any, the client tool is called first, then the answer comes through the JSON tool', async () => {
    const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'what is the weather in Paris?' }];
    const first = await openai.chat.completions.create({ model: `bedrock/${MODEL}`, response_format: responseFormat, tools: [weather], messages });
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = first.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect([call.function.name, JSON.parse(call.function.arguments)]).toEqual(['get_weather', { city: 'Paris' }]);
    const config = (sent().body as Json).toolConfig;
    expect([config.tools.map((x: Json) => x.toolSpec.name), config.toolChoice]).toEqual([['get_weather', 'json_output'], { any: {} }]);

    const second = await openai.chat.completions.create({
      model: `bedrock/${MODEL}`, response_format: responseFormat, tools: [weather],
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(JSON.parse(second.choices[0]!.message.content!)).toEqual(personFor(''));
  });
});

describe('Responses text.format', () => {
  const text = { format: { type: 'json_schema' as const, name: 'person', description: 'A person.', schema: PERSON, strict: true } };

  test('non-streamed: output_text is the JSON, status completed, usage', async () => {
    const r = await openai.responses.create({ model: `bedrock/${MODEL}`, input: 'Describe Ada.', text });
    expect(JSON.parse(r.output_text)).toEqual(personFor('Describe Ada.'));
    expect([r.status, r.output.map((o) => o.type)]).toEqual(['completed', ['message']]);
    expect(r.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
    expect(sent().body).toMatchObject({ toolConfig: FORCED });
  });

  test('streamed: output_text deltas make the JSON', async () => {
    let streamed = '';
    let done: OpenAI.Responses.Response | undefined;
    for await (const e of await openai.responses.create({ model: `bedrock/${MODEL}`, input: 'Describe Grace.', text, stream: true })) {
      if (e.type === 'response.output_text.delta') streamed += e.delta;
      if (e.type === 'response.completed') done = e.response;
    }
    expect(JSON.parse(streamed)).toEqual(personFor('Describe Grace.'));
    expect(done?.status).toBe('completed');
    expect(done?.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
    expect(sent()).toMatchObject({ stream: true, body: { toolConfig: FORCED } });
  });
});

describe('Gemini responseMimeType + responseSchema', () => {
  const config = {
    responseMimeType: 'application/json',
    responseSchema: { type: Type.OBJECT, properties: { title: { type: Type.STRING }, pages: { type: Type.INTEGER } }, required: ['title', 'pages'] },
  };
  const WANTED = { type: 'object', properties: { title: { type: 'string' }, pages: { type: 'integer' } }, required: ['title', 'pages'] };

  test('non-streamed and streamed: the text is the JSON, finish STOP, usage metadata', async () => {
    const r = await gemini.models.generateContent({ model: `bedrock/${MODEL}`, contents: 'A book.', config });
    expect(JSON.parse(r.text!)).toEqual({ title: 'A book.', pages: 1 });
    expect(r.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(r.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 5 });
    const spec = (sent().body as Json).toolConfig;
    expect(spec.tools[0].toolSpec).toMatchObject({ name: 'json_output', inputSchema: { json: WANTED } });
    expect(spec.toolChoice).toEqual({ tool: { name: 'json_output' } });

    let streamed = '';
    let finish: string | undefined;
    for await (const c of await gemini.models.generateContentStream({ model: `bedrock/${MODEL}`, contents: 'Another book.', config })) {
      streamed += c.text ?? '';
      finish = c.candidates?.[0]?.finishReason ?? finish;
    }
    expect(JSON.parse(streamed)).toEqual({ title: 'Another book.', pages: 1 });
    expect(finish).toBe('STOP');
  });

  test('an array-root schema goes wrapped as {value}; the client gets the bare array, streamed or not', async () => {
    const list = { responseMimeType: 'application/json', responseSchema: { type: Type.ARRAY, items: { type: Type.STRING } } };
    const r = await gemini.models.generateContent({ model: `bedrock/${MODEL}`, contents: 'Two names.', config: list });
    expect(JSON.parse(r.text!)).toEqual(['Two names.']);
    expect((sent().body as Json).toolConfig.tools[0].toolSpec.inputSchema.json).toMatchObject({ type: 'object', properties: { value: { type: 'array' } }, required: ['value'] });
    let streamed = '';
    for await (const c of await gemini.models.generateContentStream({ model: `bedrock/${MODEL}`, contents: 'Three names.', config: list })) streamed += c.text ?? '';
    expect(JSON.parse(streamed)).toEqual(['Three names.']);
  });
});

describe('Anthropic output_config.format', () => {
  test('the answer is one text block, stop_reason end_turn', async () => {
    const r = await anthropic.messages.create({
      model: `bedrock/${MODEL}`, max_tokens: 256, output_config: { format: { type: 'json_schema', schema: PERSON } },
      messages: [{ role: 'user', content: 'Describe Ada.' }],
    });
    expect(r.content.map((b) => [b.type, b.type === 'text' ? JSON.parse(b.text) : undefined])).toEqual([['text', personFor('Describe Ada.')]]);
    expect(r.stop_reason).toBe('end_turn');
    expect((sent().body as Json).toolConfig.toolChoice).toEqual({ tool: { name: 'json_output' } });
  });
});

describe('Gemini text/x.enum', () => {
  test('the enum answer comes back bare, as Gemini answers it', async () => {
    const config = { responseMimeType: 'text/x.enum', responseSchema: { type: Type.STRING, enum: ['positive', 'negative'] } };
    const r = await gemini.models.generateContent({ model: `bedrock/${MODEL}`, contents: 'Sentiment of: great!', config });
    expect(r.text).toBe('positive');
    expect((sent().body as Json).toolConfig.tools[0].toolSpec.inputSchema.json).toMatchObject({ type: 'object', properties: { value: { enum: ['positive', 'negative'] } } });
  });
});

describe('models that refuse the forced tool', () => {
  const ask = (model: string, stream = false) => t.fetch('/v1/chat/completions', {
    method: 'POST', json: { model, stream, response_format: responseFormat, messages: [{ role: 'user', content: 'Describe Ada.' }] },
  });

  test('no tool use (DeepSeek-R1) or no forced choice (Llama): a 400 that names structured output and the model', async () => {
    for (const [model, upstream] of [[DEEPSEEK, "This model doesn't support tool use."], [LLAMA, "doesn't support the toolConfig.toolChoice.tool field"]] as const) {
      for (const stream of [false, true]) {
        const res = await ask(`bedrock/${model}`, stream);
        const body = await res.json() as Json;
        expect(res.status).toBe(400);
        expect(body.error.message).toContain('Structured output');
        expect(body.error.message).toContain(model);
        expect(body.error.message).toContain(upstream);
        expect(body.error.param).toBe('response_format');
        expect([sent().model, sent().status, sent().stream]).toEqual([model, 400, stream]);
      }
    }
  });

  test('in a combo the next target answers', async () => {
    const from = mock.requests.length;
    const r = await openai.chat.completions.create({ model: 'deepseek-then-claude', response_format: responseFormat, messages: [{ role: 'user', content: 'Fall back.' }] });
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual(personFor('Fall back.'));
    expect(mock.requests.slice(from).map((c) => [c.model, c.status])).toEqual([[DEEPSEEK, 400], [MODEL, 200]]);
  });
});
