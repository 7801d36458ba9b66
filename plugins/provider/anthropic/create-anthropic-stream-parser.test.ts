import { describe, expect, test } from 'bun:test';
import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createAnthropicJsonParser, createAnthropicStreamParser } from './create-anthropic-stream-parser.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/anthropic`;
const STREAMS = ['stream-text.sse', 'stream-tool-use.sse', 'stream-thinking-sdk-fixture.sse', 'stream-thinking-docs.sse', 'stream-error-event.sse'];
const bytes = async (name: string) => new Uint8Array(await Bun.file(`${FIX}/${name}`).arrayBuffer());
const enc = new TextEncoder();

function parseChunks(chunks: Uint8Array[], opts: { jsonTool?: string; jsonWrapped?: boolean } = {}): StreamPart[] {
  const p = createAnthropicStreamParser(opts);
  const out: StreamPart[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

/** Parts as comparable JSON (errors reduced to code/status/retryable). */
function plain(parts: StreamPart[]): unknown[] {
  return parts.map((p) => (p.type === 'error' ? { type: 'error', code: p.error.code, status: p.error.status, retryable: p.error.retryable } : p));
}

describe('createAnthropicStreamParser on the fixtures', () => {
  test('stream-text.sse', async () => {
    expect(parseChunks([await bytes('stream-text.sse')])).toEqual([
      { type: 'start', id: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK', model: 'claude-opus-4-8' },
      { type: 'usage', usage: { inputTokens: 11, outputTokens: 1 } },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' there' },
      { type: 'text-delta', text: '!' },
      { type: 'finish', reason: 'stop', rawReason: 'end_turn', usage: { inputTokens: 11, outputTokens: 6 } },
    ]);
  });

  test('stream-tool-use.sse: tool call with the tool_use id and fragments', async () => {
    const parts = parseChunks([await bytes('stream-tool-use.sse')]);
    const id = 'toolu_01NRLabsLyVHZPKxbKvkfSMn';
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe("I'll check the current weather in Paris for you.");
    expect(parts.find((p) => p.type === 'tool-call-start')).toEqual({ type: 'tool-call-start', id, name: 'get_weather', index: 0 });
    const deltas = parts.filter((p) => p.type === 'tool-call-delta') as Array<{ id: string; argumentsDelta: string }>;
    expect(deltas.map((d) => d.argumentsDelta)).toEqual(['{"locati', 'on": "P', 'ar', 'is"}']);
    expect(deltas.every((d) => d.id === id)).toBe(true);
    expect(JSON.parse(deltas.map((d) => d.argumentsDelta).join(''))).toEqual({ location: 'Paris' });
    expect(parts.at(-2)).toEqual({ type: 'tool-call-end', id, index: 0 });
    expect(parts.at(-1)).toEqual({
      type: 'finish', reason: 'tool-calls', rawReason: 'tool_use',
      usage: { inputTokens: 377, outputTokens: 65, cachedInputTokens: 0, cacheWriteTokens: 0, serviceTier: 'standard' },
    });
  });

  test('stream-thinking-sdk-fixture.sse: thinking, signature, refusal, thinking tokens', async () => {
    const parts = parseChunks([await bytes('stream-thinking-sdk-fixture.sse')]);
    const thinking = parts.filter((p) => p.type === 'reasoning-delta').map((p) => (p as { text: string }).text).join('');
    expect(thinking.startsWith('Simple educational question')).toBe(true);
    expect(thinking).toContain('— I\'m Claude.');
    expect(parts.find((p) => p.type === 'reasoning-end')).toEqual({
      type: 'reasoning-end', signature: 'c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJlLWEtbm90LWEtcmVhbC1zaWduYXR1cmU=', origin: 'anthropic',
    });
    expect(parts.find((p) => p.type === 'text-delta')).toEqual({ type: 'text-delta', text: 'Hi' });
    expect(parts.at(-1)).toEqual({
      type: 'finish', reason: 'content-filter', rawReason: 'refusal',
      usage: { inputTokens: 28, outputTokens: 106, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 67, serviceTier: 'standard' },
    });
  });

  test('stream-thinking-docs.sse: no usage at all is fine', async () => {
    const parts = parseChunks([await bytes('stream-thinking-docs.sse')]);
    expect(parts.map((p) => p.type)).toEqual(['start', 'reasoning-delta', 'reasoning-delta', 'reasoning-end', 'text-delta', 'finish']);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', rawReason: 'end_turn' });
  });

  test('stream-error-event.sse: overloaded error part, retryable', async () => {
    const parts = parseChunks([await bytes('stream-error-event.sse')]);
    expect(parts).toHaveLength(1);
    const err = (parts[0] as { error: GatewayError }).error;
    expect(err.retryable).toBe(true);
    expect(err.upstream).toMatchObject({ status: 529, type: 'overloaded_error', message: 'Overloaded' });
    expect(err.message).toBe('Overloaded');
  });

  for (const name of STREAMS) {
    test(`${name}: same parts when split at every byte boundary, and byte by byte`, async () => {
      const all = await bytes(name);
      const whole = plain(parseChunks([all]));
      for (let i = 0; i <= all.length; i++) {
        expect(plain(parseChunks([all.subarray(0, i), all.subarray(i)]))).toEqual(whole);
      }
      const single = Array.from({ length: all.length }, (_, i) => all.subarray(i, i + 1));
      expect(plain(parseChunks(single))).toEqual(whole);
    });
  }
});

describe('createAnthropicStreamParser faults', () => {
  test('truncated stream → one retryable protocol error', async () => {
    const all = await bytes('stream-text.sse');
    const parts = parseChunks([all.subarray(0, Math.floor(all.length / 2))]);
    const last = parts.at(-1) as { type: string; error: GatewayError };
    expect(last.type).toBe('error');
    expect(last.error.code).toBe('GW_UPSTREAM_PROTOCOL');
    expect(last.error.retryable).toBe(true);
    expect(parts.filter((p) => p.type === 'error')).toHaveLength(1);
  });

  test('malformed frame → error, nothing parsed after it', () => {
    const text = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x"}}\n\n'
      + 'event: content_block_delta\ndata: {"type":"content_block_delta",\n\n'
      + 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    const parts = parseChunks([enc.encode(text)]);
    expect(parts.map((p) => p.type)).toEqual(['start', 'error']);
  });

  test('tool call without input_json_delta carries its start input', () => {
    const text = [
      '{"type":"message_start","message":{"id":"m","model":"x"}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_a","name":"now","input":{}}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":3}}',
      '{"type":"message_stop"}',
    ].map((d) => `data: ${d}\n\n`).join('');
    const parts = parseChunks([enc.encode(text)]);
    expect(parts.filter((p) => p.type === 'tool-call-delta')).toEqual([{ type: 'tool-call-delta', id: 'toolu_a', index: 0, argumentsDelta: '{}' }]);
  });

  test('json tool trick: the tool input streams as text, finish is stop', async () => {
    const text = (await Bun.file(`${FIX}/stream-tool-use.sse`).text()).replaceAll('get_weather', 'json_output');
    const parts = parseChunks([enc.encode(text)], { jsonTool: 'json_output' });
    expect(parts.some((p) => p.type.startsWith('tool-call'))).toBe(false);
    const textOut = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('');
    expect(JSON.parse(textOut)).toEqual({ location: 'Paris' });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', rawReason: 'end_turn' });
  });

  test('json tool trick with a wrapped schema: the value streams bare, however the fragments fall', () => {
    const input = '{"value": ["a,]}", {"b": [1, 2]}]}';
    const pieces = [input.slice(0, 3), input.slice(3, 11), input.slice(11, 20), input.slice(20)];
    const events = [
      { type: 'message_start', message: { id: 'm', model: 'x' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: 'json_output', input: {} } },
      ...pieces.map((partial_json) => ({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ];
    const parts = parseChunks([enc.encode(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''))], { jsonTool: 'json_output', jsonWrapped: true });
    const deltas = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('["a,]}", {"b": [1, 2]}]');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  test('json tool trick with a wrapped schema: a whole input on content_block_start is unwrapped too', () => {
    const events = [
      { type: 'message_start', message: { id: 'm', model: 'x' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: 'json_output', input: { value: 'just text' } } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_stop' },
    ];
    const parts = parseChunks([enc.encode(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''))], { jsonTool: 'json_output', jsonWrapped: true });
    expect(parts.filter((p) => p.type === 'text-delta')).toEqual([{ type: 'text-delta', text: '"just text"' }]);
  });

  test('json tool trick: plain text is released when the tool is never called', async () => {
    const parts = parseChunks([await bytes('stream-text.sse')], { jsonTool: 'json_output' });
    expect(parts.filter((p) => p.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'Hello there!' }]);
  });
});

describe('createAnthropicJsonParser', () => {
  test('message.json → start, text, finish with usage', async () => {
    const p = createAnthropicJsonParser();
    const all = await bytes('message.json');
    expect(p.push(all.subarray(0, 10))).toEqual([]);
    p.push(all.subarray(10));
    expect(p.end()).toEqual([
      { type: 'start', id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', model: 'claude-sonnet-4-5' },
      { type: 'text-delta', text: 'Hi! My name is Claude.' },
      { type: 'finish', reason: 'stop', rawReason: 'end_turn', usage: { inputTokens: 2095, outputTokens: 503 } },
    ]);
  });

  test('garbage → protocol error', () => {
    const p = createAnthropicJsonParser();
    p.push(enc.encode('<html>'));
    expect(p.end()[0].type).toBe('error');
  });
});
