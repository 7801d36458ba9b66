import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatResult, StreamPart, Usage } from '../types/hub.ts';
import { asUnreadableReply, partProblem, resultProblem } from './check-parts.ts';

const part = (p: unknown) => p as StreamPart;
const result = (over: Record<string, unknown>) => ({ id: 'r1', model: 'm', content: [], finishReason: 'stop', ...over }) as unknown as ChatResult;

describe('partProblem: the hub contract of stream parts', () => {
  test('well-formed parts pass', () => {
    for (const p of [
      { type: 'start', id: 'x', model: 'm' }, { type: 'text-delta', text: '' }, { type: 'reasoning-delta', text: 'r' },
      { type: 'tool-call-start', id: 'c', name: 'get_weather', index: 0 }, { type: 'tool-call-delta', id: 'c', index: 0, argumentsDelta: '{' },
      { type: 'tool-call-end', id: 'c', index: 0 }, { type: 'finish', reason: 'stop' }, { type: 'reasoning-end' },
    ]) expect(partProblem(part(p))).toBeUndefined();
  });

  test('a nameless tool call, text that is not a string, arguments that are not text; an id or model that is not text is repaired', () => {
    expect(partProblem(part({ type: 'tool-call-start', id: 'c', index: 0 }))).toBe('a tool call without a name');
    // A call the upstream never named is announced with an empty name (the OpenAI parser's end of a call): a string, let through.
    expect(partProblem(part({ type: 'tool-call-start', id: 'c', name: '', index: 0 }))).toBeUndefined();
    expect(partProblem(part({ type: 'tool-call-start', id: 'c', name: { a: 1 }, index: 0 }))).toBe('a tool call without a name');
    expect(partProblem(part({ type: 'text-delta', text: 5 }))).toBe('text that is not a string');
    expect(partProblem(part({ type: 'reasoning-delta' }))).toBe('text that is not a string');
    expect(partProblem(part({ type: 'tool-call-delta', id: 'c', index: 0, argumentsDelta: { city: 'Paris' } }))).toBe('tool call arguments that are not a string');
    const start = part({ type: 'start', id: [null], model: 7 });
    expect(partProblem(start)).toBeUndefined();
    expect(start).toEqual({ type: 'start', id: '', model: '' });
  });

  test('token counts are repaired, never refused: text, NaN, negative, infinite and past 10^9 become 0, fractions are rounded', () => {
    const usage = { inputTokens: 'x', outputTokens: -3, cachedInputTokens: Infinity, reasoningTokens: 2.6, cacheWriteTokens: 7, cacheWrite1hTokens: 1e300 } as unknown as Usage;
    expect(partProblem(part({ type: 'usage', usage }))).toBeUndefined();
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 3, cacheWriteTokens: 7, cacheWrite1hTokens: 0 });
    const missing = {} as Usage;
    expect(partProblem(part({ type: 'finish', reason: 'stop', usage: missing }))).toBeUndefined();
    expect(missing).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('resultProblem: the hub contract of whole replies', () => {
  test('a well-formed reply passes', () => {
    expect(resultProblem(result({ content: [{ type: 'text', text: 'hi' }, { type: 'tool-call', id: 'c', name: 'f', arguments: '{}' }, { type: 'reasoning', text: '' }] }))).toBeUndefined();
  });

  test('content that is not a list, a null item, a nameless call, arguments as an object; an id that is not text is repaired', () => {
    expect(resultProblem(result({ content: { a: 1 } }))).toBe('no list of content');
    expect(resultProblem(result({ content: [null] }))).toBe('content that is not an object');
    expect(resultProblem(result({ content: [{ type: 'text', text: null }] }))).toBe('text that is not a string');
    expect(resultProblem(result({ content: [{ type: 'tool-call', id: 'c', arguments: '{}' }] }))).toBe('a tool call without a name');
    expect(resultProblem(result({ content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: { a: 1 } }] }))).toBe('tool call arguments that are not a string');
    const unnamed = result({ id: [null] });
    expect(resultProblem(unnamed)).toBeUndefined();
    expect(unnamed.id).toBe('');
  });

  test('its usage is repaired', () => {
    const r = result({ usage: { inputTokens: '12', outputTokens: 4 } });
    expect(resultProblem(r)).toBeUndefined();
    expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 4 });
  });
});

test('asUnreadableReply: what an adapter threw on its reply is a retryable 502 naming the provider; gateway errors and aborts pass', () => {
  const e = asUnreadableReply(new TypeError("undefined is not an object (evaluating 'p.name.length')"), 'gem') as GatewayError;
  expect(e.code).toBe('GW_UPSTREAM_PROTOCOL');
  expect(e.status).toBe(502);
  expect(e.retryable).toBe(true);
  expect(e.message).toBe("Upstream gem sent a reply the gateway cannot read (undefined is not an object (evaluating 'p.name.length')).");
  const own = new GatewayError('GW_UPSTREAM_ERROR', 'x', { status: 429 });
  expect(asUnreadableReply(own, 'gem')).toBe(own);
  const abort = new DOMException('gone', 'AbortError');
  expect(asUnreadableReply(abort, 'gem')).toBe(abort);
});
