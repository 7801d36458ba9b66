import { mapAnthropicUsage } from './map-anthropic-usage.ts';
import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import { mapAnthropicError, mapAnthropicStreamError, readAnthropicError } from './map-anthropic-error.ts';
import { mapAnthropicResponse } from './map-anthropic-response.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/anthropic`;

describe('mapAnthropicResponse', () => {
  test('message.json', async () => {
    expect(mapAnthropicResponse(await Bun.file(`${FIX}/message.json`).json())).toEqual({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hi! My name is Claude.' }],
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 2095, outputTokens: 503 },
    });
  });

  test('thinking, redacted thinking, tool_use; cache usage folded into input', () => {
    const r = mapAnthropicResponse({
      id: 'msg_1', model: 'claude', stop_reason: 'tool_use', stop_sequence: null,
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'EqS' },
        { type: 'redacted_thinking', data: 'xyz' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      ],
      usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
    });
    expect(r.content).toEqual([
      { type: 'reasoning', text: 'hmm', signature: 'EqS', origin: 'anthropic' },
      { type: 'reasoning', text: '', redacted: 'xyz', origin: 'anthropic' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(r.finishReason).toBe('tool-calls');
    expect(r.usage).toEqual({ inputTokens: 115, outputTokens: 20, cachedInputTokens: 100, cacheWriteTokens: 5 });
    // The one-hour share of the writes, when the API breaks them down by TTL.
    const hour = mapAnthropicUsage({ input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 50, cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 } });
    expect(hour).toMatchObject({ inputTokens: 60, cacheWriteTokens: 50, cacheWrite1hTokens: 30 });
    expect(mapAnthropicUsage({ output_tokens: 9 }, hour)).toMatchObject({ cacheWriteTokens: 50, cacheWrite1hTokens: 30, outputTokens: 9 });
  });

  test('stop reasons', () => {
    const reason = (stop_reason: string) => mapAnthropicResponse({ content: [], stop_reason }).finishReason;
    expect(reason('max_tokens')).toBe('length');
    expect(reason('stop_sequence')).toBe('stop');
    expect(reason('refusal')).toBe('content-filter');
    expect(reason('pause_turn')).toBe('other');
    const seq = mapAnthropicResponse({ content: [], stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect([seq.stopSequence, seq.rawFinishReason]).toEqual(['END', 'stop_sequence']);
  });

  test('json tool trick: tool input becomes the answer text', () => {
    const r = mapAnthropicResponse({
      content: [{ type: 'text', text: 'Here you go' }, { type: 'tool_use', id: 't', name: 'json_output', input: { answer: 'yes' } }],
      stop_reason: 'tool_use',
    }, { jsonTool: 'json_output' });
    expect(r.content).toEqual([{ type: 'text', text: '{"answer":"yes"}' }]);
    expect([r.finishReason, r.rawFinishReason]).toEqual(['stop', 'end_turn']);
  });

  test('json tool trick with a wrapped schema: the answer is the bare value', () => {
    const r = mapAnthropicResponse({
      content: [{ type: 'tool_use', id: 't', name: 'json_output', input: { value: [{ name: 'a' }, { name: 'b' }] } }],
      stop_reason: 'tool_use',
    }, { jsonTool: 'json_output', jsonWrapped: true });
    expect(r.content).toEqual([{ type: 'text', text: '[{"name":"a"},{"name":"b"}]' }]);
    const missing = mapAnthropicResponse({ content: [{ type: 'tool_use', id: 't', name: 'json_output', input: { other: 1 } }] }, { jsonTool: 'json_output', jsonWrapped: true });
    expect(missing.content).toEqual([{ type: 'text', text: '{"other":1}' }]);
  });

  test('malformed body → retryable protocol error', () => {
    let err: unknown;
    try {
      mapAnthropicResponse({ nope: true });
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && err.code === 'GW_UPSTREAM_PROTOCOL' && err.retryable).toBe(true);
  });
});

describe('mapAnthropicError', () => {
  const body = (type: string, message = 'msg') => ({ type: 'error', error: { type, message } });

  test('client errors keep status; upstream account errors become 502; retryable only for transient ones', () => {
    const cases: Array<[number, string, string, number, boolean]> = [
      [400, 'invalid_request_error', 'GW_BAD_REQUEST', 400, false],
      [401, 'authentication_error', 'GW_UPSTREAM_ERROR', 502, false],
      [403, 'permission_error', 'GW_UPSTREAM_ERROR', 502, false],
      [404, 'not_found_error', 'GW_MODEL_NOT_FOUND', 404, false],
      [413, 'request_too_large', 'GW_BODY_TOO_LARGE', 413, false],
      [429, 'rate_limit_error', 'GW_RATE_LIMITED', 429, true],
      [500, 'api_error', 'GW_UPSTREAM_ERROR', 502, true],
      [529, 'overloaded_error', 'GW_UNAVAILABLE', 529, true],
    ];
    for (const [status, type, code, clientStatus, retryable] of cases) {
      const e = mapAnthropicError(status, body(type, `m${status}`));
      expect([e.code, e.status, e.retryable, e.message]).toEqual([code, clientStatus, retryable, `m${status}`]);
      expect(e.upstream).toMatchObject({ status, type });
    }
  });

  test('retry-after header → retryAfterMs; kept headers never include secrets', async () => {
    const res = new Response(JSON.stringify(body('rate_limit_error', 'Slow down')), {
      status: 429,
      headers: { 'retry-after': '7', 'request-id': 'req_x', 'x-api-key': 'sk-should-not-be-kept' },
    });
    const e = await readAnthropicError(res);
    expect(e.retryAfterMs).toBe(7000);
    expect(e.upstream?.headers).toEqual({ 'retry-after': '7', 'request-id': 'req_x' });
  });

  test('non-JSON error body still maps', async () => {
    const e = await readAnthropicError(new Response('<html>bad gateway</html>', { status: 502 }));
    expect([e.code, e.retryable]).toEqual(['GW_UPSTREAM_ERROR', true]);
    expect(e.message).not.toContain('<html>');
  });

  test('stream error event: status from error.type', async () => {
    const fixture = (await Bun.file(`${FIX}/stream-error-event.sse`).text()).split('data: ')[1];
    const e = mapAnthropicStreamError(JSON.parse(fixture));
    expect([e.status, e.retryable, e.upstream?.status]).toEqual([529, true, 529]);
    expect(mapAnthropicStreamError(body('invalid_request_error')).retryable).toBe(false);
  });
});
