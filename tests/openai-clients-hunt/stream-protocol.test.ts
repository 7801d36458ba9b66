import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { lastValidBody, readChunks, startHunt, UPSTREAMS, type Hunt, type UpstreamKind } from './hunt-kit.ts';

/**
 * The reply side of the translated lane as coding clients parse it: parallel tool calls each
 * announced once with their own index, a call without arguments, the finish reasons clients
 * branch on (`tool_calls` runs the tools, `length` asks to continue), and the usage chunk only
 * for a client that asked for it (Zed and the AI SDK read usage from any chunk that has one).
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());
afterEach(() => {
  h.next.anthropic = undefined;
  h.next.responses = undefined;
  h.gemini.configure({ raw: undefined });
});

const tools: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
  { type: 'function', function: { name: 'list_files', parameters: { type: 'object', properties: {} } } },
];

/** A Gemini reply of these function calls, as JSON and as SSE. */
function geminiCalls(calls: Array<{ name: string; args?: Record<string, unknown> }>): { json: string; sse: string } {
  const parts = calls.map((c) => ({ functionCall: c.args === undefined ? { name: c.name } : { name: c.name, args: c.args } }));
  const chunk = {
    candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'calls1',
  };
  return { json: JSON.stringify(chunk), sse: `data: ${JSON.stringify(chunk)}\r\n\r\n` };
}

/** Arms `up` to answer with a call of `get_weather` (Paris) and one of `list_files` without arguments. */
function armTwoCalls(up: UpstreamKind, listArgs: 'empty' | 'none'): void {
  if (up === 'anthropic') {
    h.next.anthropic = {
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'toolu_b', name: 'list_files', input: {} },
      ],
      stop_reason: 'tool_use',
    };
  } else if (up === 'responses') {
    h.next.responses = {
      toolCalls: [
        { callId: 'call_a', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { callId: 'call_b', name: 'list_files', arguments: listArgs === 'empty' ? '{}' : '' },
      ],
    };
  } else {
    h.gemini.configure({ raw: geminiCalls([{ name: 'get_weather', args: { location: 'Paris' } }, { name: 'list_files', args: listArgs === 'empty' ? {} : undefined }]) });
  }
}

describe.each(UPSTREAMS)('replies from %s', (up) => {
  test('two parallel calls: indexes 0 and 1, each announced once, JSON arguments', async () => {
    armTwoCalls(up, 'empty');
    const stream = await h.client.chat.completions.create({ model: h.model(up), stream: true, tools, messages: [{ role: 'user', content: 'Weather in Paris and list files' }] });
    const reply = await readChunks(stream, false);
    expect(reply.finish).toBe('tool_calls');
    expect(reply.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([['get_weather', { location: 'Paris' }], ['list_files', {}]]);
    expect(new Set(reply.toolCalls.map((c) => c.id)).size).toBe(2);
  });

  test('a call the upstream sent with no arguments at all reaches the client with {}', async () => {
    armTwoCalls(up, 'none');
    const stream = await h.client.chat.completions.create({ model: h.model(up), stream: true, tools, messages: [{ role: 'user', content: 'list files' }] });
    const reply = await readChunks(stream, false);
    expect(reply.toolCalls[1]).toMatchObject({ name: 'list_files', arguments: '{}' });
    armTwoCalls(up, 'none');
    const r = await h.client.chat.completions.create({ model: h.model(up), tools, messages: [{ role: 'user', content: 'list files' }] });
    const call = r.choices[0].message.tool_calls?.[1];
    expect(call?.type === 'function' && call.function.arguments).toBe('{}');
  });

  test('non-stream tool calls: content null, finish tool_calls, usage present', async () => {
    armTwoCalls(up, 'empty');
    const r = await h.client.chat.completions.create({ model: h.model(up), tools, tool_choice: 'required', messages: [{ role: 'user', content: 'Weather in Paris' }] });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(r.choices[0].message.tool_calls?.length).toBe(2);
    if (up !== 'anthropic') expect(r.choices[0].message.content).toBeNull();
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
  });

  test('a reply cut by max_tokens finishes with length, streamed and not', async () => {
    const words = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty';
    const ask = { model: h.model(up), max_tokens: 16, messages: [{ role: 'user' as const, content: `${words} ${words}` }] };
    if (up === 'responses') h.next.responses = { text: 'one two', status: 'incomplete' };
    const r = await h.client.chat.completions.create(ask);
    expect(r.choices[0].finish_reason).toBe('length');
    if (up === 'responses') h.next.responses = { text: 'one two', status: 'incomplete' };
    const reply = await readChunks(await h.client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }), true);
    expect(reply.finish).toBe('length');
    expect(reply.usage?.completion_tokens).toBeGreaterThan(0);
  });

  test('no usage chunk without include_usage, nor with include_usage: false', async () => {
    const plain = await readChunks(await h.client.chat.completions.create({ model: h.model(up), stream: true, messages: [{ role: 'user', content: 'hello there' }] }), false);
    expect(plain.text).toContain('hello');
    const off = await h.client.chat.completions.create({ model: h.model(up), stream: true, stream_options: { include_usage: false }, messages: [{ role: 'user', content: 'hello there' }] });
    await readChunks(off, false);
    lastValidBody(h, up);
  });
});
