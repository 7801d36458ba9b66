import { describe, expect, test } from 'bun:test';
import { addToolCallTypes, addToolCallTypesToBody, chainFilters, createToolCallTypeFilter } from './add-tool-call-type.ts';
import { createUsageFrameFilter } from './strip-usage-frame.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');
const call = { id: 'D681PevKs', function: { name: 'get_weather', arguments: '{"city": "Paris"}' }, index: 0 };
const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

describe('addToolCallTypes', () => {
  test('adds type to calls that start (id or name), in messages and deltas; continuations and typed calls stay', () => {
    const json = {
      choices: [
        { message: { tool_calls: [{ ...call }, { id: 'x', type: 'function', function: { name: 'a', arguments: '' } }] } },
        { delta: { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] } },
      ],
    };
    expect(addToolCallTypes(json)).toBe(true);
    expect(json.choices[0]!.message!.tool_calls.map((c) => (c as { type?: string }).type)).toEqual(['function', 'function']);
    expect(json.choices[1]!.delta!.tool_calls[0]).toEqual({ index: 0, function: { arguments: '{"a"' } });
    expect(addToolCallTypes({ choices: [{ delta: { content: 'hi' } }] })).toBe(false);
    expect(addToolCallTypes({ error: { message: 'x' } })).toBe(false);
  });

  test('a whole reply: rewritten only when a type was missing; other bodies are the same bytes', () => {
    const typed = enc(JSON.stringify({ choices: [{ message: { tool_calls: [{ ...call, type: 'function' }] } }] }));
    expect(addToolCallTypesToBody(typed)).toBe(typed);
    const text = enc('{"choices":[{"message":{"content":"hi"}}]}');
    expect(addToolCallTypesToBody(text)).toBe(text);
    expect(addToolCallTypesToBody(enc('not json "tool_calls"'))).toEqual(enc('not json "tool_calls"'));
    const out = JSON.parse(dec(addToolCallTypesToBody(enc(JSON.stringify({ choices: [{ message: { tool_calls: [call] } }] })))));
    expect(out.choices[0].message.tool_calls[0]).toEqual({ ...call, type: 'function' });
  });
});

describe('createToolCallTypeFilter', () => {
  test('text chunks pass as the same bytes; the tool call chunk gets its type, its other fields as they were', () => {
    const f = createToolCallTypeFilter();
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

  test('an event cut across chunks waits for its end; CRLF events and the event field are kept', () => {
    const f = createToolCallTypeFilter();
    const whole = `event: chunk\r\n${chunk({ tool_calls: [call] }).replace(/\n\n$/, '\r\n\r\n')}`;
    const cut = Math.floor(whole.length / 2);
    expect(f.chunk(enc(whole.slice(0, cut)))).toBeUndefined();
    const out = dec(f.chunk(enc(whole.slice(cut))));
    expect(out.startsWith('event: chunk\ndata: ')).toBe(true);
    expect(out).toContain('"type":"function"');
    // A stream that ends inside an event: what is held is let out at the end.
    const g = createToolCallTypeFilter();
    expect(g.chunk(enc('data: {"choices":[{"delta":{"tool_calls":[{"id":"abcdefghi","function":{"name":"f"}}]}}]}'))).toBeUndefined();
    expect(dec(g.end())).toContain('"type":"function"');
  });

  test('chained after the usage filter: the injected usage chunk is dropped, the tool call typed', () => {
    const f = chainFilters(createUsageFrameFilter(), createToolCallTypeFilter());
    const usage = 'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":1}}\n\n';
    const out = dec(f.chunk(enc(chunk({ tool_calls: [call] }) + usage + 'data: [DONE]\n\n')));
    expect(out).toContain('"type":"function"');
    expect(out).not.toContain('"choices":[]');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(f.end()).toBeUndefined();
  });
});
