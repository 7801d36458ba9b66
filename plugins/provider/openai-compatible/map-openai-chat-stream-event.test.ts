import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { mapOpenAIChatResponse } from './map-openai-chat-response.ts';
import { createOpenAIChatStreamParser } from './map-openai-chat-stream-event.ts';
import { createThinkTagSplitter, splitThinkTags } from './split-think-tags.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/openai`;
const enc = new TextEncoder();

function run(bytes: Uint8Array, cuts: number[], make: () => StreamParser = () => createOpenAIChatStreamParser()): StreamPart[] {
  const p = make();
  const out: StreamPart[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...p.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...p.end());
  return out;
}

/** Joins consecutive deltas so results compare independently of chunking. */
function merged(parts: StreamPart[]): StreamPart[] {
  const out: StreamPart[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (last?.type === 'text-delta' && p.type === 'text-delta') last.text += p.text;
    else if (last?.type === 'reasoning-delta' && p.type === 'reasoning-delta') last.text += p.text;
    else if (last?.type === 'tool-call-delta' && p.type === 'tool-call-delta' && last.id === p.id) last.argumentsDelta += p.argumentsDelta;
    else out.push({ ...p });
  }
  return out;
}

const sse = (...frames: unknown[]) => enc.encode(frames.map((f) => `data: ${typeof f === 'string' ? f : JSON.stringify(f)}\n\n`).join(''));
const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra,
});

describe('createOpenAIChatStreamParser on the fixtures', () => {
  test('chat-stream-include-usage.sse: every split point gives the same parts', () => {
    const bytes = new Uint8Array(readFileSync(`${FIX}/chat-stream-include-usage.sse`));
    const whole = run(bytes, []);
    expect(whole[0]).toEqual({ type: 'start', id: 'chatcmpl-9tZXFsqeQOozn5YU8I6SbjkmDnN76', model: 'gpt-4o-2024-08-06', created: 1723031665 });
    const text = whole.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
    expect(text).toBe('{"city":"San Francisco","units":"f"}');
    expect(whole.at(-1)).toEqual({ type: 'finish', reason: 'stop', rawReason: 'stop', usage: { inputTokens: 17, outputTokens: 10 } });
    expect(whole.filter((p) => p.type === 'finish').length).toBe(1);
    for (let i = 1; i < bytes.length; i++) expect(run(bytes, [i])).toEqual(whole);
  });

  test('chat-stream-tool-calls.sse: tool call keyed by index, stable id', () => {
    const bytes = new Uint8Array(readFileSync(`${FIX}/chat-stream-tool-calls.sse`));
    const whole = run(bytes, []);
    expect(merged(whole)).toEqual([
      { type: 'start', id: 'chatcmpl-custom-tools', model: 'gpt-5.5', created: 1 },
      { type: 'tool-call-start', id: 'call_function_456', name: 'get_weather', index: 0 },
      { type: 'tool-call-delta', id: 'call_function_456', index: 0, argumentsDelta: '{"city":"SF"}' },
      { type: 'tool-call-end', id: 'call_function_456', index: 0 },
      { type: 'finish', reason: 'tool-calls', rawReason: 'tool_calls' },
    ]);
    for (let i = 1; i < bytes.length; i++) expect(run(bytes, [i])).toEqual(whole);
  });

  test('chat-stream-openapi-example.sse (no [DONE]) still finishes after its finish_reason', () => {
    const bytes = new Uint8Array(readFileSync(`${FIX}/chat-stream-openapi-example.sse`));
    const whole = run(bytes, []);
    expect(merged(whole).map((p) => p.type)).toEqual(['start', 'text-delta', 'finish']);
    for (let i = 1; i < bytes.length; i += 3) expect(run(bytes, [i])).toEqual(whole);
  });
});

describe('createOpenAIChatStreamParser edge cases', () => {
  test('stream that ends without finish or [DONE] → retryable protocol error', () => {
    const parts = run(sse(chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' })), []);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') {
      expect(last.error.code).toBe('GW_UPSTREAM_PROTOCOL');
      expect(last.error.retryable).toBe(true);
    }
  });

  test('malformed frame → one error part, nothing after it', () => {
    const bytes = enc.encode(`data: ${JSON.stringify(chunk({ content: 'a' }))}\n\ndata: {"broken\n\ndata: ${JSON.stringify(chunk({ content: 'b' }))}\n\ndata: [DONE]\n\n`);
    const parts = run(bytes, []);
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'error']);
  });

  test('upstream error frame → mapped error part', () => {
    const parts = run(sse(chunk({ content: 'x' }), { error: { message: 'Rate limited upstream', code: 429, type: 'rate_limit' } }), []);
    const err = parts.at(-1);
    expect(err?.type).toBe('error');
    if (err?.type === 'error') {
      expect(err.error.status).toBe(429);
      expect(err.error.retryable).toBe(true);
      expect(err.error.message).toBe('Rate limited upstream');
    }
    const server = run(sse({ error: { message: 'boom', type: 'server_error' } }), []);
    expect(server[0].type === 'error' && server[0].error.status).toBe(502);
  });

  test('parallel tool calls; ids generated when missing; new id at same index is a new call', () => {
    const parts = merged(run(sse(
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '' } }, { index: 1, function: { name: 'g', arguments: '{"x"' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ':1}' } }, { index: 0, function: { arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'h', arguments: '{"whole":true}' } }] }),
      chunk({}, 'stop'),
      '[DONE]',
    ), []));
    const starts = parts.filter((p) => p.type === 'tool-call-start');
    expect(starts.map((p) => p.type === 'tool-call-start' && [p.name, p.index])).toEqual([['f', 0], ['g', 1], ['h', 2]]);
    const gId = starts[1].type === 'tool-call-start' ? starts[1].id : '';
    expect(gId).toMatch(/^call_[0-9a-f]{24}$/);
    const gArgs = parts.filter((p) => p.type === 'tool-call-delta' && p.id === gId).map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    expect(gArgs).toBe('{"x":1}');
    expect(parts.filter((p) => p.type === 'tool-call-end').length).toBe(3);
    // `stop` with tool calls is reported as tool-calls
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls', rawReason: 'stop' });
  });

  test('reasoning fields and the reasoning_field quirk; reasoning-end before text', () => {
    const parts = merged(run(sse(
      chunk({ reasoning_content: 'a' }), chunk({ reasoning: 'b' }), chunk({ thoughts: 'c' }), chunk({ content: 'answer' }), chunk({}, 'stop'),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } } },
      '[DONE]',
    ), [], () => createOpenAIChatStreamParser({ reasoningField: 'thoughts' })));
    expect(parts.map((p) => p.type)).toEqual(['start', 'reasoning-delta', 'reasoning-end', 'text-delta', 'finish']);
    expect(parts[1]).toEqual({ type: 'reasoning-delta', text: 'abc' });
    expect(parts.at(-1)).toMatchObject({ usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 3, reasoningTokens: 2 } });
  });

  test('content as an array of thinking and text chunks (Mistral reasoning models): nothing is dropped', () => {
    const thinking = (text: string) => ({ type: 'thinking', thinking: [{ type: 'text', text }] });
    const parts = merged(run(sse(
      chunk({ role: 'assistant', content: [thinking('Let me ')] }), chunk({ content: [thinking('think.')] }),
      chunk({ content: [{ type: 'text', text: 'Hel' }] }), chunk({ content: 'lo' }), chunk({}, 'stop'), '[DONE]',
    ), []));
    expect(parts).toEqual([
      { type: 'start', id: 'c1', model: 'm', created: 5 },
      { type: 'reasoning-delta', text: 'Let me think.' },
      { type: 'reasoning-end' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'finish', reason: 'stop', rawReason: 'stop' },
    ]);
    const result = mapOpenAIChatResponse({
      id: 'c2', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: [thinking('Plan.'), { type: 'text', text: 'Hello' }] } }],
    });
    expect(result.content).toEqual([{ type: 'reasoning', text: 'Plan.' }, { type: 'text', text: 'Hello' }]);
  });

  test('<think> tags split into reasoning when the quirk is set, at any chunking', () => {
    const text = '<think>\nplan it\n</think>\n\nThe answer <b>is</b> 4.';
    const frames = [...text].map((ch) => chunk({ content: ch }));
    const bytes = sse(...frames, chunk({}, 'stop'), '[DONE]');
    const parts = merged(run(bytes, [], () => createOpenAIChatStreamParser({ thinkTags: true })));
    expect(parts.map((p) => p.type)).toEqual(['start', 'reasoning-delta', 'reasoning-end', 'text-delta', 'finish']);
    expect(parts[1]).toEqual({ type: 'reasoning-delta', text: '\nplan it\n' });
    expect(parts[3]).toEqual({ type: 'text-delta', text: 'The answer <b>is</b> 4.' });
    // without the quirk the tags stay in the text
    const plain = merged(run(bytes, []));
    expect(plain[1]).toEqual({ type: 'text-delta', text });
  });

  test('tool calls written as text (with think tags), at any chunking: reasoning, text, calls in order, finish tool-calls', () => {
    const tools = [{ name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } } }];
    const text = '<think>which file?</think>\nReading both.\n<function=Read>\n<parameter=file_path>\n/a.ts\n</parameter>\n</function>\n</tool_call>'
      + '<tool_call>{"name": "Read", "arguments": {"file_path": "/b.ts"}}</tool_call>';
    const bytes = sse(...[...text].map((ch) => chunk({ content: ch })), chunk({}, 'stop'), '[DONE]');
    const make = () => createOpenAIChatStreamParser({ thinkTags: true, textTools: tools });
    const shape = (parts: StreamPart[]) => merged(parts).map((p) => {
      if (p.type === 'tool-call-start' || p.type === 'tool-call-delta' || p.type === 'tool-call-end') return { ...p, id: 'x' };
      return p;
    });
    const whole = shape(run(bytes, [], make));
    expect(whole).toEqual([
      { type: 'start', id: 'c1', model: 'm', created: 5 },
      { type: 'reasoning-delta', text: 'which file?' },
      { type: 'reasoning-end' },
      { type: 'text-delta', text: 'Reading both.\n' },
      { type: 'tool-call-start', id: 'x', name: 'Read', index: 0 },
      { type: 'tool-call-delta', id: 'x', index: 0, argumentsDelta: '{"file_path":"/a.ts"}' },
      { type: 'tool-call-end', id: 'x', index: 0 },
      { type: 'tool-call-start', id: 'x', name: 'Read', index: 1 },
      { type: 'tool-call-delta', id: 'x', index: 1, argumentsDelta: '{"file_path":"/b.ts"}' },
      { type: 'tool-call-end', id: 'x', index: 1 },
      { type: 'finish', reason: 'tool-calls', rawReason: 'stop' },
    ] as StreamPart[]);
    for (let i = 1; i < bytes.length; i += 7) expect(shape(run(bytes, [i, Math.min(bytes.length, i + 40)], make))).toEqual(whole);
  });

  test('push after the end of the stream returns nothing', () => {
    const p = createOpenAIChatStreamParser();
    expect(p.push(sse(chunk({ content: 'x' }), chunk({}, 'stop'), '[DONE]')).at(-1)?.type).toBe('finish');
    expect(p.push(sse(chunk({ content: 'late' })))).toEqual([]);
    expect(p.end()).toEqual([]);
  });
});

describe('think tag splitter', () => {
  test('partial tags are held back, then resolved', () => {
    const s = createThinkTagSplitter();
    expect(s.push('a<th')).toEqual([{ reasoning: false, text: 'a' }]);
    expect(s.push('ink>r</thi')).toEqual([{ reasoning: true, text: 'r' }]);
    expect(s.push('nk>b <x <t')).toEqual([{ reasoning: false, text: 'b <x ' }]);
    expect(s.flush()).toEqual([{ reasoning: false, text: '<t' }]);
  });

  test('one-shot', () => {
    expect(splitThinkTags('<think>x</think>\n\ny')).toEqual([{ reasoning: true, text: 'x' }, { reasoning: false, text: 'y' }]);
    expect(splitThinkTags('no tags < here')).toEqual([{ reasoning: false, text: 'no tags < here' }]);
  });
});
