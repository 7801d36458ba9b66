import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { encodeAnthropicError, encodeAnthropicStreamError, anthropicErrorType } from './encode-anthropic-error.ts';
import { encodeAnthropicMessagesResult } from './encode-anthropic-messages-result.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/anthropic`;
const fallback = { id: 'req_9', model: 'asked' };

describe('encodeAnthropicMessagesResult', () => {
  test('matches message.json for the same result', async () => {
    const fixture = await Bun.file(`${FIX}/message.json`).json();
    const result: ChatResult = {
      id: fixture.id, model: fixture.model, content: [{ type: 'text', text: fixture.content[0].text }],
      finishReason: 'stop', rawFinishReason: 'end_turn', usage: { inputTokens: 2095, outputTokens: 503 },
    };
    expect(encodeAnthropicMessagesResult(result, fallback)).toEqual({
      ...fixture, usage: { ...fixture.usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  test('thinking, redacted thinking, tool_use with parsed input; ids and reasons mapped', () => {
    const out = encodeAnthropicMessagesResult({
      id: 'chatcmpl-abc', model: 'gpt-4o',
      content: [
        { type: 'reasoning', text: 'because', signature: 'sigA', origin: 'anthropic' },
        { type: 'reasoning', text: '', redacted: 'enc', origin: 'openai-responses' },
        { type: 'text', text: '' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool-call', id: 'call.1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', id: 'call_2', name: 'broken', arguments: '{not json' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 },
    }, fallback);
    expect(out.id).toBe('msg_chatcmpl-abc');
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'because', signature: 'sigA' },
      { type: 'redacted_thinking', data: 'swy1:openai-responses:enc' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
    expect(out.stop_reason).toBe('tool_use');
    expect(out.usage).toEqual({ input_tokens: 6, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 });
  });

  test('reasoning with text and an encrypted payload keeps both, as the stream does', () => {
    const out = encodeAnthropicMessagesResult({
      id: 'resp_1', model: 'gpt-5',
      content: [{ type: 'reasoning', text: 'Thinking about it.', redacted: 'gAAAAB-enc', origin: 'openai-responses' }],
      finishReason: 'stop',
    }, fallback);
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'Thinking about it.', signature: '' },
      { type: 'redacted_thinking', data: 'swy1:openai-responses:gAAAAB-enc' },
    ]);
  });

  test('stop reasons: raw Anthropic reason wins, otherwise mapped', () => {
    const r = (finishReason: ChatResult['finishReason'], raw?: string, stopSequence?: string) =>
      encodeAnthropicMessagesResult({ id: 'x', model: 'm', content: [], finishReason, rawFinishReason: raw, stopSequence }, fallback);
    expect(r('other', 'pause_turn').stop_reason).toBe('pause_turn');
    expect(r('length', 'length').stop_reason).toBe('max_tokens');
    expect(r('content-filter').stop_reason).toBe('refusal');
    expect(r('stop', 'STOP').stop_reason).toBe('end_turn');
    const seq = r('stop', undefined, '###');
    expect([seq.stop_reason, seq.stop_sequence]).toEqual(['stop_sequence', '###']);
  });
});

describe('encodeAnthropicError', () => {
  test('every status of error-types.md maps to its error.type', async () => {
    const md = await Bun.file(`${FIX}/error-types.md`).text();
    const rows = [...md.matchAll(/^\| (\d{3}) \| (\w+) \|$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [status, type] of rows) {
      const res = encodeAnthropicError(new GatewayError('GW_X', 'boom', { status }), 'req_1');
      expect(res.status).toBe(status);
      expect((await res.json()).error.type).toBe(type);
    }
  });

  test('envelope has the shape of error-not-found.json, request-id and retry-after', async () => {
    const fixture = await Bun.file(`${FIX}/error-not-found.json`).json();
    const res = encodeAnthropicError(new GatewayError('GW_RATE_LIMITED', 'Slow down.', { retryAfterMs: 2500 }), 'req_abc');
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture).sort());
    expect(body).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Slow down.' }, request_id: 'req_abc' });
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('request-id')).toBe('req_abc');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  test('upstream type is kept only when the status is unchanged', () => {
    expect(anthropicErrorType({ status: 400, upstream: { status: 400, type: 'billing_error' } })).toBe('billing_error');
    expect(anthropicErrorType({ status: 502, upstream: { status: 401, type: 'authentication_error' } })).toBe('api_error');
    expect(anthropicErrorType({ status: 504, upstream: undefined })).toBe('timeout_error');
    expect(anthropicErrorType({ status: 418, upstream: undefined })).toBe('invalid_request_error');
  });

  test('stream error frame', () => {
    expect(encodeAnthropicStreamError(new GatewayError('GW_UNAVAILABLE', 'Overloaded', { status: 529 })))
      .toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
  });
});
