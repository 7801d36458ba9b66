import { describe, expect, test } from 'bun:test';
import { chainFilters, createToolCallFilter, createToolCallNumbering, normalizeReplyBody, normalizeReplyToolCalls } from './normalize-tool-calls.ts';
import { createUsageFrameFilter } from './strip-usage-frame.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');
const call = { id: 'D681PevKs', function: { name: 'get_weather', arguments: '{"city": "Paris"}' }, index: 0 };
const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const deltas = (...calls: object[]) => ({ choices: [{ index: 0, delta: { tool_calls: calls } }] });
const indexes = (json: { choices: Array<{ delta: { tool_calls: Array<{ index?: number }> } }> }) => json.choices[0]!.delta.tool_calls.map((c) => c.index);

describe('a whole reply', () => {
  test('calls get their type; typed calls, text replies and other bodies stay the same bytes', () => {
    const json = { choices: [{ message: { tool_calls: [{ ...call }, { id: 'x', type: 'function', function: { name: 'a', arguments: '' } }] } }] };
    expect(normalizeReplyToolCalls(json)).toBe(true);
    expect(json.choices[0]!.message.tool_calls.map((c) => (c as { type?: string }).type)).toEqual(['function', 'function']);
    const typed = enc(JSON.stringify({ choices: [{ message: { tool_calls: [{ ...call, type: 'function' }] } }] }));
    expect(normalizeReplyBody(typed)).toBe(typed);
    const text = enc('{"choices":[{"message":{"content":"hi"}}]}');
    expect(normalizeReplyBody(text)).toBe(text);
    const broken = enc('not json "tool_calls"');
    expect(normalizeReplyBody(broken)).toBe(broken);
    expect(JSON.parse(dec(normalizeReplyBody(enc(JSON.stringify({ choices: [{ message: { tool_calls: [call] } }] }))))).choices[0].message.tool_calls[0])
      .toEqual({ ...call, type: 'function' });
  });
});

test('arguments given as an object become the JSON string OpenAI sends, in replies and chunks', () => {
  const reply = { choices: [{ message: { tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: { city: 'Paris' } } }] } }] };
  expect(normalizeReplyToolCalls(reply)).toBe(true);
  expect((reply.choices[0]!.message.tool_calls[0]!.function as { arguments: unknown }).arguments).toBe('{"city":"Paris"}');
  const streamed = deltas({ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: { n: 1 } } });
  expect(createToolCallNumbering().normalize(streamed)).toBe(true);
  expect((streamed.choices[0]!.delta.tool_calls[0] as { function: { arguments: string } }).function.arguments).toBe('{"n":1}');
});

describe('streamed calls', () => {
  test('OpenAI\'s own numbering is kept as it is (nothing changes)', () => {
    const n = createToolCallNumbering();
    expect(n.normalize(deltas({ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }))).toBe(false);
    expect(n.normalize(deltas({ index: 0, function: { arguments: '{"x"' } }))).toBe(false);
    expect(n.normalize(deltas({ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }))).toBe(false);
    expect(n.normalize(deltas({ index: 1, function: { arguments: ':1}' } }, { index: 0, function: { arguments: ':2}' } }))).toBe(false);
  });

  test('Ollama: every call at index 0 with its own id → 0, 1, 2; a call\'s fragments follow it', () => {
    const n = createToolCallNumbering();
    const first = deltas({ index: 0, id: 'call_1', type: 'function', function: { name: 'write', arguments: '{"path":"a"}' } });
    expect(n.normalize(first)).toBe(false);
    const second = deltas({ index: 0, id: 'call_2', type: 'function', function: { name: 'write', arguments: '{"path"' } });
    expect(n.normalize(second)).toBe(true);
    expect(indexes(second)).toEqual([1]);
    const fragment = deltas({ index: 0, function: { arguments: ':"b"}' } });
    n.normalize(fragment);
    expect(indexes(fragment)).toEqual([1]);
    const both = deltas({ index: 0, id: 'call_3', function: { name: 'write', arguments: '{}' } }, { index: 0, id: 'call_4', function: { name: 'read', arguments: '{}' } });
    n.normalize(both);
    expect(indexes(both)).toEqual([2, 3]);
  });

  test('SambaNova: no index → each new call the next number, fragments the last call; Mistral: the type added', () => {
    const n = createToolCallNumbering();
    const a = deltas({ id: 'a', function: { name: 'f', arguments: '' } });
    n.normalize(a);
    expect(a.choices[0]!.delta.tool_calls[0]).toEqual({ id: 'a', function: { name: 'f', arguments: '' }, index: 0, type: 'function' });
    const more = deltas({ function: { arguments: '{}' } });
    n.normalize(more);
    expect(indexes(more)).toEqual([0]);
    const b = deltas({ id: 'b', function: { name: 'g', arguments: '{}' } });
    n.normalize(b);
    expect(indexes(b)).toEqual([1]);
    // The same id again is the same call, not a new one.
    const again = deltas({ id: 'a', function: { arguments: '' } });
    n.normalize(again);
    expect(indexes(again)).toEqual([0]);
  });

  test('each choice numbers its own calls (n > 1)', () => {
    const n = createToolCallNumbering();
    const two = { choices: [
      { index: 0, delta: { tool_calls: [{ index: 0, id: 'a0', type: 'function', function: { name: 'f', arguments: '' } }] } },
      { index: 1, delta: { tool_calls: [{ index: 0, id: 'b0', type: 'function', function: { name: 'f', arguments: '' } }] } },
    ] };
    expect(n.normalize(two)).toBe(false);
    expect(two.choices.map((c) => c.delta.tool_calls[0]!.index)).toEqual([0, 0]);
  });

  test('an id that comes after its call\'s first fragment names that call', () => {
    const n = createToolCallNumbering();
    n.normalize(deltas({ index: 0, function: { name: 'f', arguments: '' } }));
    const late = deltas({ index: 0, id: 'late', function: { arguments: '{}' } });
    n.normalize(late);
    expect(indexes(late)).toEqual([0]);
    const next = deltas({ index: 0, id: 'other', function: { name: 'g', arguments: '' } });
    n.normalize(next);
    expect(indexes(next)).toEqual([1]);
  });
});

describe('createToolCallFilter', () => {
  test('text chunks pass as the same bytes; a tool call chunk is rewritten, its other fields as they were', () => {
    const f = createToolCallFilter();
    const text = enc(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'hi' }));
    expect(f.chunk(text)).toBe(text);
    const out = dec(f.chunk(enc(chunk({ tool_calls: [call] }, { usage: { prompt_tokens: 3 } }))));
    expect(out.endsWith('\n\n')).toBe(true);
    const json = JSON.parse(out.slice('data: '.length));
    expect(json.choices[0].delta.tool_calls[0]).toEqual({ ...call, type: 'function' });
    expect(json.usage).toEqual({ prompt_tokens: 3 });
    expect(dec(f.chunk(enc('data: [DONE]\n\n')))).toBe('data: [DONE]\n\n');
    expect(f.end()).toBeUndefined();
  });

  test('a well-formed tool call stream is the same bytes', () => {
    const f = createToolCallFilter();
    const bytes = enc(chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }] }) + chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }));
    expect(dec(f.chunk(bytes))).toBe(dec(bytes));
  });

  test('an event cut across chunks waits for its end; CRLF events and the event field are kept', () => {
    const f = createToolCallFilter();
    const whole = `event: chunk\r\n${chunk({ tool_calls: [call] }).replace(/\n\n$/, '\r\n\r\n')}`;
    const cut = Math.floor(whole.length / 2);
    expect(f.chunk(enc(whole.slice(0, cut)))).toBeUndefined();
    const out = dec(f.chunk(enc(whole.slice(cut))));
    expect(out.startsWith('event: chunk\ndata: ')).toBe(true);
    expect(out).toContain('"type":"function"');
    // A stream that ends inside an event: what is held is let out at the end.
    const g = createToolCallFilter();
    expect(g.chunk(enc('data: {"choices":[{"delta":{"tool_calls":[{"id":"abcdefghi","function":{"name":"f"}}]}}]}'))).toBeUndefined();
    expect(dec(g.end())).toContain('"type":"function"');
  });

  test('chained after the usage filter: the injected usage chunk is dropped, the tool call typed', () => {
    const f = chainFilters(createUsageFrameFilter(), createToolCallFilter());
    const usage = 'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":1}}\n\n';
    const out = dec(f.chunk(enc(chunk({ tool_calls: [call] }) + usage + 'data: [DONE]\n\n')));
    expect(out).toContain('"type":"function"');
    expect(out).not.toContain('"choices":[]');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(f.end()).toBeUndefined();
  });
});
