import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createSseParser } from '../../../core/util/sse.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { encodeAnthropicMessagesStream } from './encode-anthropic-messages-stream.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/anthropic`;
const fallback = { id: 'req_123', model: 'requested-model' };

type Frame = { event?: string; data: Record<string, unknown> };

function frames(text: string): Frame[] {
  const p = createSseParser();
  return [...p.push(text), ...p.end()].map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

function encodeAll(parts: StreamPart[]): Frame[] {
  const enc = new AnthropicStreamEncoder(fallback);
  let text = '';
  for (const p of parts) text += enc.push(p);
  text += enc.end();
  return frames(text);
}

function streamOf(parts: StreamPart[], failWith?: Error): ReadableStream<StreamPart> {
  let i = 0;
  return new ReadableStream<StreamPart>({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++]);
      else if (failWith) c.error(failWith);
      else c.close();
    },
  });
}

const usage = { inputTokens: 11, outputTokens: 6 };

describe('AnthropicStreamEncoder', () => {
  test('text stream has the exact event sequence of stream-text.sse', async () => {
    const fixture = frames(await Bun.file(`${FIX}/stream-text.sse`).text());
    const out = encodeAll([
      { type: 'start', id: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK', model: 'claude-opus-4-8' },
      { type: 'usage', usage: { inputTokens: 11, outputTokens: 1 } },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' there' },
      { type: 'text-delta', text: '!' },
      { type: 'finish', reason: 'stop', rawReason: 'end_turn', usage },
    ]);
    expect(out.map((f) => f.event)).toEqual(fixture.map((f) => f.event));
    expect(out.map((f) => f.data.type)).toEqual(fixture.map((f) => f.data.type));
    for (let i = 0; i < out.length; i++) {
      if (out[i].event === 'message_start' || out[i].event === 'message_delta') continue;
      expect(out[i].data).toEqual(fixture[i].data);
    }
    const start = out[0].data.message as Record<string, unknown>;
    expect(start).toMatchObject({ id: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK', type: 'message', role: 'assistant', content: [], model: 'claude-opus-4-8', stop_reason: null, stop_sequence: null });
    expect((start.usage as Record<string, number>).input_tokens).toBe(11);
    const delta = out[out.length - 2].data;
    expect(delta.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
    expect((delta.usage as Record<string, number>).output_tokens).toBe(6);
  });

  test('thinking with signature, then tool_use with argument fragments', () => {
    const out = encodeAll([
      { type: 'start', id: 'chatcmpl-1', model: 'gpt-x' },
      { type: 'reasoning-delta', text: 'Let me think' },
      { type: 'reasoning-end', signature: 'EqSIG', origin: 'anthropic' },
      { type: 'tool-call-start', id: 'call_1', name: 'get_weather', index: 0 },
      { type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: '{"loc' },
      { type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: '":"Paris"}' },
      { type: 'tool-call-end', id: 'call_1', index: 0 },
      { type: 'finish', reason: 'tool-calls' },
    ]);
    expect(out.map((f) => `${f.event}:${String(f.data.index ?? '')}`)).toEqual([
      'message_start:', 'content_block_start:0', 'ping:', 'content_block_delta:0', 'content_block_delta:0', 'content_block_stop:0',
      'content_block_start:1', 'content_block_delta:1', 'content_block_delta:1', 'content_block_stop:1', 'message_delta:', 'message_stop:',
    ]);
    expect((out[0].data.message as { id: string }).id).toBe('msg_chatcmpl-1');
    expect(out[1].data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(out[4].data.delta).toEqual({ type: 'signature_delta', signature: 'EqSIG' });
    expect(out[6].data.content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} });
    expect(out[7].data.delta).toEqual({ type: 'input_json_delta', partial_json: '{"loc' });
    expect((out[10].data.delta as { stop_reason: string }).stop_reason).toBe('tool_use');
  });

  test('foreign signatures are wrapped with their origin; redacted thinking is its own block', () => {
    const out = encodeAll([
      { type: 'reasoning-delta', text: 'x' },
      { type: 'reasoning-end', signature: 'gemsig', origin: 'gemini' },
      { type: 'reasoning-end', redacted: 'opaque', origin: 'anthropic' },
      { type: 'finish', reason: 'stop' },
    ]);
    const sig = out.find((f) => (f.data.delta as { type?: string } | undefined)?.type === 'signature_delta');
    expect((sig?.data.delta as { signature: string }).signature).toBe('swy1:gemini:gemsig');
    const redacted = out.find((f) => (f.data.content_block as { type?: string } | undefined)?.type === 'redacted_thinking');
    expect(redacted?.data.content_block).toEqual({ type: 'redacted_thinking', data: 'opaque' });
  });

  test('message_start falls back to request id/model; usage reaches message_delta', () => {
    const out = encodeAll([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', reason: 'length', usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 40, cacheWriteTokens: 10 } },
    ]);
    expect(out[0].data.message).toMatchObject({ id: 'msg_req_123', model: 'requested-model' });
    const delta = out[out.length - 2].data;
    expect(delta.delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
    expect(delta.usage).toEqual({ input_tokens: 50, output_tokens: 7, cache_creation_input_tokens: 10, cache_read_input_tokens: 40 });
  });

  test('stop sequence is reported', () => {
    const out = encodeAll([{ type: 'text-delta', text: 'a' }, { type: 'finish', reason: 'stop', stopSequence: 'END' }]);
    expect(out[out.length - 2].data.delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  test('error part: one error frame, nothing after, no message_stop', async () => {
    const out = encodeAll([
      { type: 'text-delta', text: 'partial' },
      { type: 'error', error: new GatewayError('GW_UNAVAILABLE', 'Overloaded', { status: 529 }) },
      { type: 'text-delta', text: 'ignored' },
      { type: 'finish', reason: 'stop' },
    ]);
    const last = out[out.length - 1];
    expect(last.event).toBe('error');
    expect(last.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(out.filter((f) => f.event === 'error')).toHaveLength(1);
    expect(out.some((f) => f.event === 'message_stop')).toBe(false);
    const fixture = frames(await Bun.file(`${FIX}/stream-error-event.sse`).text());
    expect(last.data).toEqual(fixture[0].data);
  });

  test('a part stream that ends without finish is reported as an error', () => {
    const out = encodeAll([{ type: 'text-delta', text: 'cut' }]);
    expect(out[out.length - 1].event).toBe('error');
    expect(out.some((f) => f.event === 'message_stop')).toBe(false);
  });
});

describe('encodeAnthropicMessagesStream', () => {
  test('produces the SSE bytes and closes after message_stop', async () => {
    const body = encodeAnthropicMessagesStream(streamOf([
      { type: 'start', id: 'msg_1', model: 'm' },
      { type: 'text-delta', text: 'hi' },
      { type: 'finish', reason: 'stop' },
    ]), fallback);
    const text = await new Response(body).text();
    expect(text.startsWith('event: message_start\ndata: {')).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  test('a failing part stream yields one error frame', async () => {
    const body = encodeAnthropicMessagesStream(
      streamOf([{ type: 'text-delta', text: 'hi' }], new GatewayError('GW_UPSTREAM_TIMEOUT', 'Upstream went idle.', { status: 504 })),
      fallback,
    );
    const out = frames(await new Response(body).text());
    expect(out[out.length - 1]).toEqual({ event: 'error', data: { type: 'error', error: { type: 'timeout_error', message: 'Upstream went idle.' } } });
  });

  test('client cancel reaches the part stream', async () => {
    let cancelled: unknown;
    const parts = new ReadableStream<StreamPart>({
      start(c) { c.enqueue({ type: 'text-delta', text: 'hi' }); },
      cancel(reason) { cancelled = reason ?? 'cancelled'; },
    });
    const reader = encodeAnthropicMessagesStream(parts, fallback).getReader();
    await reader.read();
    await reader.cancel('client gone');
    expect(cancelled).toBe('client gone');
  });
});
