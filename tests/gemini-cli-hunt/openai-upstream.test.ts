/**
 * Gemini CLI's traffic through the gateway to an OpenAI-compatible upstream (translated), with
 * the official `@google/genai` SDK as the client.
 */
import { ApiError, FinishReason, type Content, type GenerateContentResponse, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage, type Recorded } from './scripted-upstream.ts';
import { startHunt, type Hunt } from './start-hunt.ts';

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o, o4-mini] }
aliases: { gemini-2.5-pro: oai/gpt-4o, gemini-2.5-flash: oai/o4-mini, gemini-3-pro-preview: oai/gpt-4o }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

type Msg = { role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };
const messagesOf = (r: Recorded) => r.body.messages as Msg[];
/** The text of a Chat message, whether its content is a string or parts. */
const textOf = (m: Msg) => (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('') : '');

const TOOLS = [{ functionDeclarations: [
  { name: 'read_file', description: 'Reads a file.', parametersJsonSchema: { type: 'object', properties: { absolute_path: { type: 'string' } }, required: ['absolute_path'] } },
] }];

async function drain(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('Gemini CLI → gateway → OpenAI-compatible upstream', () => {
  test('a streamed reply stays in the SDK chat history and reaches the next turn', async () => {
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', content: 'Hel' }), openaiChunk({ content: 'lo!' }), openaiChunk({}, 'stop'), openaiUsage(5, 2),
    ]));
    const chat = h.ai.chats.create({ model: 'gemini-2.5-pro' });
    const chunks = await drain(await chat.sendMessageStream({ message: 'Say hello' }));
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Hello!');
    expect(chunks[chunks.length - 1].candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(chunks[chunks.length - 1].usageMetadata).toMatchObject({ promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 });
    const model = chat.getHistory(true).filter((c) => c.role === 'model');
    expect(model.flatMap((c) => c.parts ?? []).map((p) => p.text ?? '').join('')).toBe('Hello!');

    h.up.next(openaiCompletion({ content: 'Bye.' }, 'stop'));
    expect((await chat.sendMessage({ message: 'And now?' })).text).toBe('Bye.');
    const second = messagesOf(h.up.requests[1]);
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(textOf(second[1])).toBe('Hello!');
  });

  test('parallel function calls: SDK parses them; Gemini CLI\'s responses pair with the upstream\'s call ids', async () => {
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_A1', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
      openaiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"absolute_path":"/a.ts"}' } }] }),
      openaiChunk({ tool_calls: [{ index: 1, id: 'call_B2', type: 'function', function: { name: 'read_file', arguments: '{"absolute_path":' } }] }),
      openaiChunk({ tool_calls: [{ index: 1, function: { arguments: '"/b.ts"}' } }] }),
      openaiChunk({}, 'tool_calls'),
      openaiUsage(30, 12),
    ]));
    const contents: Content[] = [{ role: 'user', parts: [{ text: 'Read a.ts and b.ts' }] }];
    const chunks = await drain(await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents, config: { tools: TOOLS } }));
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    expect(calls.map((c) => [c.name, c.args])).toEqual([['read_file', { absolute_path: '/a.ts' }], ['read_file', { absolute_path: '/b.ts' }]]);
    expect(chunks[chunks.length - 1].candidates?.[0].finishReason).toBe(FinishReason.STOP);

    // Gemini CLI keeps the calls as they came and answers each with an id of its own making.
    const modelTurn: Content = { role: 'model', parts: chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []).filter((p) => p.functionCall) };
    const answers: Content = { role: 'user', parts: calls.map((c, i) => ({ functionResponse: { id: c.id ?? `read_file-1700000000-${i}`, name: c.name, response: { output: `contents of ${String(c.args?.absolute_path)}` } } })) };
    h.up.next(openaiCompletion({ content: 'Both files are empty stubs.' }, 'stop'));
    const r = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: [...contents, modelTurn, answers], config: { tools: TOOLS } });
    expect(r.text).toBe('Both files are empty stubs.');
    const sent = messagesOf(h.up.requests[1]);
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    const ids = sent[1].tool_calls!.map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
    expect(sent[1].tool_calls!.map((c) => JSON.parse(c.function.arguments))).toEqual([{ absolute_path: '/a.ts' }, { absolute_path: '/b.ts' }]);
    expect(sent.slice(2).map((m) => [m.tool_call_id, m.content])).toEqual([[ids[0], 'contents of /a.ts'], [ids[1], 'contents of /b.ts']]);
  });

  test('Gemini 3 multimodal function responses: the image a tool returned reaches the model', async () => {
    h.up.next(openaiCompletion({ content: 'A red square.' }, 'stop'));
    const r = await h.ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      config: { tools: TOOLS },
      contents: [
        { role: 'user', parts: [{ text: 'What is in logo.png?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { absolute_path: '/logo.png' } } }] },
        // Gemini CLI nests the file's bytes in the function response for Gemini 3 models.
        { role: 'user', parts: [{ functionResponse: { id: 'read_file-1-x', name: 'read_file', response: { output: 'Binary content provided (1 item(s)).' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } }] } }] },
      ],
    });
    expect(r.text).toBe('A red square.');
    const sent = JSON.stringify(h.up.requests[0].body.messages);
    expect(sent).toContain('data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==');
  });

  test('JSON mode: responseSchema (OpenAPI types) becomes a JSON Schema response_format; the SDK reads the JSON', async () => {
    h.up.next(openaiCompletion({ content: '{"next_speaker":"model","reasoning":null}' }, 'stop'));
    const r = await h.ai.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Who speaks next?',
      config: {
        responseMimeType: 'application/json',
        responseSchema: { type: Type.OBJECT, properties: { reasoning: { type: Type.STRING, nullable: true }, next_speaker: { type: Type.STRING, enum: ['user', 'model'] } }, required: ['next_speaker'], propertyOrdering: ['reasoning', 'next_speaker'] },
      },
    });
    expect(JSON.parse(r.text ?? '')).toEqual({ next_speaker: 'model', reasoning: null });
    expect(h.up.requests[0].body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { reasoning: { type: ['string', 'null'] }, next_speaker: { type: 'string', enum: ['user', 'model'] } }, required: ['next_speaker'] } },
    });

    h.up.next(openaiCompletion({ content: '{"ok":true}' }, 'stop'));
    await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'JSON please', config: { responseMimeType: 'application/json' } });
    expect(h.up.requests[1].body.response_format).toEqual({ type: 'json_object' });
  });

  test('thinkingBudget 0 (Gemini CLI\'s utility calls) works on a reasoning model that refuses reasoning_effort "none"', async () => {
    // o4-mini's answer to `reasoning_effort: "none"`.
    const refuseNone = (req: Recorded) => req.body.reasoning_effort === 'none'
      ? json({ error: { message: 'Unsupported value: \'reasoning_effort\' does not support \'none\' with this model. Supported values are: \'low\', \'medium\', and \'high\'.', type: 'invalid_request_error', param: 'reasoning_effort', code: 'unsupported_value' } }, 400)(req)
      : openaiCompletion({ content: '{"next_speaker":"user"}' }, 'stop')(req);
    h.up.next(refuseNone);
    const r = await h.ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Who speaks next?',
      config: { responseMimeType: 'application/json', thinkingConfig: { thinkingBudget: 0 }, temperature: 0 },
    });
    expect(JSON.parse(r.text ?? '')).toEqual({ next_speaker: 'user' });
    expect(h.up.requests[0].body.reasoning_effort).toBeUndefined();
  });

  test('thinking budget → reasoning_effort; reasoning text comes back as thoughts, counted as thoughts', async () => {
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', reasoning_content: 'Weighing options.' }),
      openaiChunk({ content: 'Use a map.' }),
      openaiChunk({}, 'stop'),
      openaiUsage(20, 30, { completion_tokens_details: { reasoning_tokens: 18 } }),
    ]));
    const chunks = await drain(await h.ai.models.generateContentStream({
      model: 'gemini-2.5-flash', contents: 'Best structure?', config: { thinkingConfig: { thinkingBudget: 20000, includeThoughts: true } },
    }));
    expect(h.up.requests[0].body.reasoning_effort).toBe('high');
    const parts = chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []);
    expect(parts.filter((p) => p.thought).map((p) => p.text).join('')).toBe('Weighing options.');
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Use a map.');
    expect(chunks[chunks.length - 1].usageMetadata).toMatchObject({ promptTokenCount: 20, candidatesTokenCount: 12, thoughtsTokenCount: 18, totalTokenCount: 50 });

    h.up.next(openaiCompletion({ content: 'ok' }, 'stop'));
    await h.ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x', config: { thinkingConfig: { thinkingBudget: -1 } } });
    expect(h.up.requests[1].body.reasoning_effort).toBe('medium');
  });

  test('finish reasons and usage: length → MAX_TOKENS, content_filter → SAFETY, cached tokens', async () => {
    h.up.next(openaiCompletion({ content: 'Once upon a' }, 'length', { prompt_tokens: 100, completion_tokens: 3, total_tokens: 103, prompt_tokens_details: { cached_tokens: 64 } } as never));
    const cut = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Tell a story', config: { maxOutputTokens: 3, stopSequences: ['THE END'] } });
    expect(h.up.requests[0].body).toMatchObject({ max_tokens: 3, stop: ['THE END'] });
    expect(cut.text).toBe('Once upon a');
    expect(cut.candidates?.[0].finishReason).toBe(FinishReason.MAX_TOKENS);
    expect(cut.usageMetadata).toMatchObject({ promptTokenCount: 100, candidatesTokenCount: 3, totalTokenCount: 103, cachedContentTokenCount: 64 });

    h.up.next(openaiStream([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({}, 'content_filter'), openaiUsage(8, 0)]));
    const chunks = await drain(await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'something bad' }));
    expect(chunks[chunks.length - 1].candidates?.[0].finishReason).toBe(FinishReason.SAFETY);
  });

  test('upstream 429 with Retry-After → RESOURCE_EXHAUSTED with RetryInfo (and retry-after)', async () => {
    h.up.next(json({ error: { message: 'Rate limit reached for gpt-4o.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 429, { 'retry-after': '20' }));
    const err = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    expect(JSON.parse((err as ApiError).message)).toEqual({ error: {
      code: 429, message: 'Rate limit reached for gpt-4o.', status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' }],
    } });

    h.up.next(json({ error: { message: 'Rate limit reached for gpt-4o.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 429, { 'retry-after': '20' }));
    const raw = await h.gw.fetch('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('20');
  });

  test('upstream 400 and 500 are Gemini errors with the right status; a stream cut after content raises in the SDK', async () => {
    h.up.next(json({ error: { message: "Invalid 'messages[1].content': string too long.", type: 'invalid_request_error', param: 'messages', code: 'string_above_max_length' } }, 400));
    const bad = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }).catch((e: unknown) => e) as ApiError;
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.message).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: "Invalid 'messages[1].content': string too long." });

    h.up.next(json({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }, 500));
    const down = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }).catch((e: unknown) => e) as ApiError;
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(down.message).error.code).toBe(down.status);

    h.up.next(openaiStream([openaiChunk({ role: 'assistant', content: 'Partial ' }), openaiChunk({ content: 'answer' })], { done: false, breakAfter: 2 }));
    const got: string[] = [];
    const cut = await (async () => {
      for await (const c of await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' })) got.push(c.text ?? '');
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('Partial answer');
    expect(cut).toBeInstanceOf(ApiError);
    expect((cut as ApiError).status).toBeGreaterThanOrEqual(500);
  });
  test('slips in a model\'s tool arguments (a fence, raw newlines, the object sent twice) reach the SDK as the object meant; a call cut short gets {}', async () => {
    const slipped = [
      ['```json\n{"absolute_path": "/a.ts"}\n```', { absolute_path: '/a.ts' }],
      ['{"absolute_path": "/b.ts", "note": "line 1\nline 2"}', { absolute_path: '/b.ts', note: 'line 1\nline 2' }],
      ['{"absolute_path":"/c.ts"}{"absolute_path":"/c.ts"}', { absolute_path: '/c.ts' }],
      ['{"absolute_path": "/d.t', {}],
    ] as const;
    const calls = slipped.map(([args], i) => ({ id: `call_${i}`, type: 'function', function: { name: 'read_file', arguments: args } }));
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', content: null, tool_calls: calls.map((c, index) => ({ index, ...c })) }), openaiChunk({}, 'tool_calls'), openaiUsage(30, 12),
    ]));
    const contents: Content[] = [{ role: 'user', parts: [{ text: 'Read them' }] }];
    const streamed = (await drain(await h.ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents, config: { tools: TOOLS } }))).flatMap((c) => c.functionCalls ?? []);
    expect(streamed.map((c) => c.args)).toEqual(slipped.map(([, object]) => object));
    h.up.next(openaiCompletion({ content: null, tool_calls: calls }, 'tool_calls'));
    const whole = await h.ai.models.generateContent({ model: 'gemini-2.5-pro', contents, config: { tools: TOOLS } });
    expect(whole.functionCalls?.map((c) => c.args)).toEqual(slipped.map(([, object]) => object));
  });
});
