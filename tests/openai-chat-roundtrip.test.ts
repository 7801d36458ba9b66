import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import type { StreamPart } from '../core/types/hub.ts';
import { createMockAdapter } from '../plugins/provider/mock/create-mock-adapter.ts';
import { convertToOpenAIChatRequest } from '../plugins/provider/openai-compatible/convert-to-openai-chat-request.ts';
import { mapOpenAIChatResponse } from '../plugins/provider/openai-compatible/map-openai-chat-response.ts';
import { createOpenAIChatStreamParser } from '../plugins/provider/openai-compatible/map-openai-chat-stream-event.ts';
import { readOpenAIQuirks } from '../plugins/provider/openai-compatible/openai-quirks.ts';
import { decodeOpenAIChatRequest } from '../plugins/translator/openai-chat/decode-openai-chat-request.ts';
import { encodeOpenAIChatResult } from '../plugins/translator/openai-chat/encode-openai-chat-result.ts';
import { encodeOpenAIChatStream } from '../plugins/translator/openai-chat/encode-openai-chat-stream.ts';
import { encodeOpenAIError } from '../plugins/translator/openai-chat/encode-openai-error.ts';
import { mapOpenAIError } from '../plugins/provider/openai-compatible/map-openai-error.ts';
import type { Attempt } from '../core/plugin/types.ts';

const FIX = `${import.meta.dir}/../../shared/fixtures/openai`;
const read = (name: string) => readFileSync(`${FIX}/${name}`, 'utf8');

function partsOf(sse: string): ReadableStream<StreamPart> {
  const p = createOpenAIChatStreamParser();
  const parts = [...p.push(new TextEncoder().encode(sse)), ...p.end()];
  return new ReadableStream({
    start(c) {
      for (const x of parts) c.enqueue(x);
      c.close();
    },
  });
}

const dataFrames = (text: string) => text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));

/** An SDK client whose "server" answers with the given response. */
function sdkWith(respond: () => Response): OpenAI {
  return new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: async () => respond() });
}

describe('upstream bytes → hub → client bytes', () => {
  test('tool-call fixture survives the round trip chunk for chunk', async () => {
    const fixture = read('chat-stream-tool-calls.sse');
    const out = await new Response(encodeOpenAIChatStream(partsOf(fixture), { id: 'x', model: 'x', streamUsage: false })).text();
    const want = dataFrames(fixture);
    const got = dataFrames(out);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length - 1; i++) expect(JSON.parse(got[i])).toEqual(JSON.parse(want[i]));
    expect(got.at(-1)).toBe('[DONE]');
  });

  test('include-usage fixture: same content, finish and usage numbers', async () => {
    const fixture = read('chat-stream-include-usage.sse');
    const out = await new Response(encodeOpenAIChatStream(partsOf(fixture), { id: 'x', model: 'x', streamUsage: true })).text();
    const want = dataFrames(fixture).slice(0, -1).map((f) => JSON.parse(f));
    const got = dataFrames(out).slice(0, -1).map((f) => JSON.parse(f));
    expect(got.length).toBe(want.length);
    expect(got.map((c) => c.choices[0]?.delta)).toEqual(want.map((c) => c.choices[0]?.delta));
    expect(got.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual(want.map((c) => c.choices[0]?.finish_reason ?? null));
    expect(got.at(-1).usage).toMatchObject(want.at(-1).usage);
    expect(got.every((c) => c.id === want[0].id && c.model === want[0].model && c.created === want[0].created)).toBe(true);
  });

  test('chat-completion.json → hub → chat.completion is identical', () => {
    const fixture = JSON.parse(read('chat-completion.json'));
    expect(JSON.stringify(encodeOpenAIChatResult(mapOpenAIChatResponse(fixture)))).toBe(JSON.stringify(fixture));
  });

  test('upstream 429 → hub error → client error body equals error-429.json', async () => {
    const err = await mapOpenAIError(new Response(read('error-429.json'), { status: 429, headers: { 'retry-after': '20' } }));
    const res = encodeOpenAIError(err);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('20');
    expect(await res.json()).toEqual(JSON.parse(read('error-429.json')));
  });

  test('client body → hub → upstream body keeps what the client sent', () => {
    const client = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{"q":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'w', description: 'weather', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      temperature: 0.3,
      max_tokens: 100,
      stop: ['x'],
      response_format: { type: 'json_object' },
      logit_bias: { '1': 1 },
      stream: true,
      stream_options: { include_usage: true },
    };
    const hub = decodeOpenAIChatRequest(client).body;
    const upstream = convertToOpenAIChatRequest(hub, { model: 'gpt-4o', quirks: readOpenAIQuirks({}), official: true });
    expect(upstream).toEqual(client);
  });
});

describe('the official SDK reads what the translator writes', () => {
  test('streamed text + usage, streamed tool calls, complete results', async () => {
    const mock = createMockAdapter();
    const attempt = (model: string) => ({ target: { model }, provider: { options: {} }, signal: new AbortController().signal }) as unknown as Attempt;
    const body = (model: string, stream: boolean) => decodeOpenAIChatRequest({
      model, stream, stream_options: stream ? { include_usage: true } : undefined,
      messages: [{ role: 'user', content: 'hi there' }],
      tools: model === 'tools' ? [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } }] : undefined,
    }).body;
    const sse = async (model: string) => new Response(
      encodeOpenAIChatStream(await mock.chat!.stream(body(model, true), attempt(model), {} as never), { id: 'chatcmpl-1', model, streamUsage: true }),
      { headers: { 'content-type': 'text/event-stream' } },
    );

    const clientA = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: () => sse('think') });
    const finalA = await clientA.chat.completions.stream({ model: 'think', messages: [{ role: 'user', content: 'hi there' }] }).finalChatCompletion();
    expect(finalA.choices[0].message.content).toBe('hi there');
    expect(finalA.choices[0].finish_reason).toBe('stop');
    expect(finalA.usage?.total_tokens).toBeGreaterThan(0);

    const clientB = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: () => sse('tools') });
    const finalB = await clientB.chat.completions.stream({ model: 'tools', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
    const call = finalB.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('f');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ a: 'mock' });
    expect(finalB.choices[0].finish_reason).toBe('tool_calls');

    const result = await mock.chat!.generate(body('echo', false), attempt('echo'), {} as never);
    const clientC = sdkWith(() => Response.json(encodeOpenAIChatResult(result)));
    const c = await clientC.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi there' }] });
    expect(c.choices[0].message.content).toBe('hi there');
  });

  test('an error frame mid-stream makes the SDK throw', async () => {
    const mock = createMockAdapter();
    const attempt = { target: { model: 'midstream-drop' }, provider: { options: {} }, signal: new AbortController().signal } as unknown as Attempt;
    const req = decodeOpenAIChatRequest({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a b c d e f' }] }).body;
    const client = new OpenAI({
      apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0,
      fetch: async () => new Response(
        encodeOpenAIChatStream(await mock.chat!.stream(req, attempt, {} as never), { id: 'c', model: 'm', streamUsage: false }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
    });
    let text = '';
    const err = await (async () => {
      for await (const chunk of await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] })) {
        text += chunk.choices[0]?.delta.content ?? '';
      }
    })().catch((e) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toContain('dropped');
  });
});
