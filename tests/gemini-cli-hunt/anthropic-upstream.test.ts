/**
 * Gemini CLI's traffic through the gateway to an Anthropic upstream (translated), with the
 * official `@google/genai` SDK as the client.
 */
import { ApiError, FinishReason, type GenerateContentResponse } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { anthropicEvents, anthropicMessage, anthropicStream, json, type Recorded } from './scripted-upstream.ts';
import { startHunt, type Hunt } from './start-hunt.ts';
import { image } from '../helpers/test-images.ts';

/** A real PNG: toward Anthropic an image whose header cannot be read is left out (the API would refuse it). */
const PNG = await image('png');

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  ant: { type: anthropic, base_url: UPSTREAM, keys: [sk-ant-upstream-1], allow_private_network: true, models: [claude-sonnet-4-5] }
aliases: { gemini-2.5-pro: ant/claude-sonnet-4-5, gemini-3-pro-preview: ant/claude-sonnet-4-5 }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

type Block = Record<string, unknown> & { type: string };
type Msg = { role: string; content: Block[] };
const messagesOf = (r: Recorded) => r.body.messages as Msg[];

const TOOLS = [{ functionDeclarations: [
  { name: 'get_weather', description: 'Weather of a city.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'read_file', description: 'Reads a file.', parametersJsonSchema: { type: 'object', properties: { absolute_path: { type: 'string' } }, required: ['absolute_path'] } },
] }];

async function drain(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

async function apiError(p: Promise<unknown>): Promise<ApiError & { body: { error: Record<string, unknown> } }> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return Object.assign(err as ApiError, { body: JSON.parse((err as ApiError).message) as { error: Record<string, unknown> } });
}

describe('Gemini CLI → gateway → Anthropic upstream', () => {
  test('chat session, streamed: Claude\'s thinking goes back whole with its signature; parallel calls pair with their results', async () => {
    h.up.next(anthropicStream(anthropicEvents([
      { type: 'thinking', deltas: ['The user wants ', 'two cities.'], signature: 'EqSignatureOfThinking' },
      { type: 'tool_use', id: 'toolu_01Paris', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_02Rome', name: 'get_weather', input: { city: 'Rome' } },
    ], 'tool_use', { input: 120, output: 60 })));
    const chat = h.ai.chats.create({ model: 'gemini-2.5-pro', config: { tools: TOOLS, thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } } });
    const chunks = await drain(await chat.sendMessageStream({ message: 'Weather in Paris and Rome?' }));
    expect(chunks.flatMap((c) => c.functionCalls ?? []).map((c) => c.args)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    const thoughts = chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []).filter((p) => p.thought);
    expect(thoughts.map((p) => p.text).join('')).toBe('The user wants two cities.');
    expect(chunks[chunks.length - 1].usageMetadata).toMatchObject({ promptTokenCount: 120, candidatesTokenCount: 60, totalTokenCount: 180 });
    expect(h.up.requests[0].body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });

    h.up.next(anthropicStream(anthropicEvents([{ type: 'text', deltas: ['Sunny in Paris, ', 'rain in Rome.'] }], 'end_turn')));
    const second = await drain(await chat.sendMessageStream({ message: [
      { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
      { functionResponse: { name: 'get_weather', response: { output: 'rain' } } },
    ] }));
    expect(second.map((c) => c.text ?? '').join('')).toBe('Sunny in Paris, rain in Rome.');

    const sent = messagesOf(h.up.requests[1]);
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const [thinking, ...uses] = sent[1].content;
    // Anthropic refuses a thinking block whose text was changed: it must be the one it signed.
    expect(thinking).toEqual({ type: 'thinking', thinking: 'The user wants two cities.', signature: 'EqSignatureOfThinking' });
    expect(uses.map((b) => [b.type, b.input])).toEqual([['tool_use', { city: 'Paris' }], ['tool_use', { city: 'Rome' }]]);
    expect(sent[2].content.map((b) => [b.type, b.tool_use_id, b.content])).toEqual([['tool_result', uses[0].id, 'sunny'], ['tool_result', uses[1].id, 'rain']]);
    expect(h.up.requests[1].body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  test('Gemini CLI leaves thought parts out of its history: Claude still gets its thinking back in the tool loop', async () => {
    // Anthropic's rule: with thinking on, an assistant turn that used tools starts with its thinking block.
    const anthropicRule = (req: Recorded) => {
      const last = messagesOf(req).filter((m) => m.role === 'assistant').pop();
      const thinking = req.body.thinking as { type?: string } | undefined;
      if (thinking?.type === 'enabled' && last?.content.some((b) => b.type === 'tool_use') && last.content[0].type !== 'thinking') {
        return json({ type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`.' } }, 400)(req);
      }
      return anthropicMessage([{ type: 'text', text: 'Sunny.' }], 'end_turn')(req);
    };
    h.up.next(anthropicStream(anthropicEvents([
      { type: 'thinking', deltas: ['Paris.'], signature: 'EqSigCli' },
      { type: 'tool_use', id: 'toolu_04', name: 'get_weather', input: { city: 'Paris' } },
    ], 'tool_use')), anthropicRule);
    const config = { tools: TOOLS, thinkingConfig: { thinkingBudget: -1, includeThoughts: true } };
    const contents = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
    const chunks = await drain(await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents, config }));
    // What Gemini CLI's chat keeps: every non-thought part of the reply.
    const kept = chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []).filter((p) => !p.thought && p.text !== '');
    expect(kept.map((p) => p.functionCall?.name)).toEqual(['get_weather']);
    const r = await h.ai.models.generateContent({
      model: 'gemini-2.5-pro', config,
      contents: [...contents, { role: 'model', parts: kept }, { role: 'user', parts: [{ functionResponse: { id: 'get_weather-1-a', name: 'get_weather', response: { output: 'sunny' } } }] }],
    });
    expect(r.text).toBe('Sunny.');
    // Without its thinking, the turn would have to run with thinking off.
    expect(h.up.requests[1].body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(messagesOf(h.up.requests[1])[1].content[0]).toEqual({ type: 'thinking', thinking: 'Paris.', signature: 'EqSigCli' });
  });

  test('chat session, not streamed: the thinking signature round-trips too', async () => {
    h.up.next(anthropicMessage([
      { type: 'thinking', thinking: 'Check Paris.', signature: 'EqSigJson' },
      { type: 'tool_use', id: 'toolu_03', name: 'get_weather', input: { city: 'Paris' } },
    ], 'tool_use'));
    const chat = h.ai.chats.create({ model: 'gemini-2.5-pro', config: { tools: TOOLS, thinkingConfig: { thinkingBudget: 4096, includeThoughts: true } } });
    const first = await chat.sendMessage({ message: 'Weather in Paris?' });
    expect(first.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    h.up.next(anthropicMessage([{ type: 'text', text: 'Sunny.' }], 'end_turn'));
    expect((await chat.sendMessage({ message: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }] })).text).toBe('Sunny.');
    expect(messagesOf(h.up.requests[1])[1].content[0]).toEqual({ type: 'thinking', thinking: 'Check Paris.', signature: 'EqSigJson' });
  });

  test('Gemini 3 multimodal function responses: the image a tool returned reaches Claude in the tool result', async () => {
    h.up.next(anthropicMessage([{ type: 'text', text: 'A red square.' }], 'end_turn'));
    const r = await h.ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      config: { tools: TOOLS },
      contents: [
        { role: 'user', parts: [{ text: 'What is in logo.png?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { absolute_path: '/logo.png' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'read_file-1-x', name: 'read_file', response: { output: 'Binary content provided (1 item(s)).' }, parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }] } }] },
      ],
    });
    expect(r.text).toBe('A red square.');
    const result = messagesOf(h.up.requests[0])[2].content[0];
    expect(result.type).toBe('tool_result');
    expect(result.content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } });
  });

  test('JSON mode with responseJsonSchema: the answer comes back as the JSON text; thinking off sends no thinking', async () => {
    h.up.next(anthropicMessage([{ type: 'tool_use', id: 'toolu_json', name: 'json_output', input: { next_speaker: 'user', reasoning: 'asked a question' } }], 'tool_use'));
    const schema = { type: 'object', properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } }, required: ['reasoning', 'next_speaker'] };
    const r = await h.ai.models.generateContent({
      model: 'gemini-2.5-pro', contents: 'Who speaks next?',
      config: { responseMimeType: 'application/json', responseJsonSchema: schema, thinkingConfig: { thinkingBudget: 0 } },
    });
    expect(JSON.parse(r.text ?? '')).toEqual({ next_speaker: 'user', reasoning: 'asked a question' });
    expect(r.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(r.functionCalls).toBeUndefined();
    const body = h.up.requests[0].body;
    expect(body.thinking).toBeUndefined();
    expect((body.tools as Array<{ input_schema: unknown }>)[0].input_schema).toEqual(schema);
  });

  test('finish reasons and usage: max_tokens → MAX_TOKENS, refusal → SAFETY, cache reads counted', async () => {
    h.up.next(anthropicMessage([{ type: 'text', text: 'Once upon' }], 'max_tokens', { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 200, cache_creation_input_tokens: 30 }));
    const cut = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Story', config: { maxOutputTokens: 2, stopSequences: ['FIN'], temperature: 0.5, topK: 3 } });
    expect(h.up.requests[0].body).toMatchObject({ max_tokens: 2, stop_sequences: ['FIN'], temperature: 0.5, top_k: 3 });
    expect(cut.text).toBe('Once upon');
    expect(cut.candidates?.[0].finishReason).toBe(FinishReason.MAX_TOKENS);
    expect(cut.usageMetadata).toMatchObject({ promptTokenCount: 240, candidatesTokenCount: 2, totalTokenCount: 242, cachedContentTokenCount: 200 });

    h.up.next(anthropicStream(anthropicEvents([], 'refusal', { input: 7, output: 0 })));
    const chunks = await drain(await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'something bad' }));
    expect(chunks[chunks.length - 1].candidates?.[0].finishReason).toBe(FinishReason.SAFETY);
  });

  test('upstream errors: 429 → RESOURCE_EXHAUSTED with RetryInfo, 400 → INVALID_ARGUMENT, 529 overloaded → UNAVAILABLE', async () => {
    h.up.next(json({ type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }, 429, { 'retry-after': '42' }));
    const limited = await apiError(h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }));
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '42s' }] });

    h.up.next(json({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }, 400));
    const bad = await apiError(h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'prompt is too long: 210000 tokens > 200000 maximum' });

    h.up.next(json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 529));
    const busy = await apiError(h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }));
    expect(busy.body.error.code).toBe(busy.status);
    expect(busy.body.error.status).toBe('UNAVAILABLE');
  });

  test('an error event after content: the SDK gets the content, then raises', async () => {
    const events = anthropicEvents([{ type: 'text', deltas: ['Partial ', 'answer'] }], 'end_turn').slice(0, 4);
    h.up.next(anthropicStream([...events, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' })) got.push(c.text ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('Partial answer');
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBeGreaterThanOrEqual(500);
    expect((err as ApiError).message).toContain('UNAVAILABLE');
  });
});
