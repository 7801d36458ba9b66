import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { encodeResponsesStream } from './encode-responses-stream.ts';
import { openReasoning } from './reasoning-envelope.ts';
import { decode, parseSse, partsStream, readFixture, readText, shapeMismatches } from './responses-test-kit.ts';

type Json = Record<string, any>;

async function encode(parts: StreamPart[], body: Json = { model: 'gpt-5.4', input: 'hi', stream: true }, failWith?: unknown) {
  const text = await readText(encodeResponsesStream(partsStream(parts, failWith), decode(body)));
  const events = parseSse<Json>(text);
  for (const [i, e] of events.entries()) {
    if (e.event !== 'error') expect(e.json.type).toBe(e.event!);
    expect(e.json.sequence_number).toBe(i);
  }
  return { text, events, types: events.map((e) => e.event!) };
}

/** Event types with runs of the same type collapsed (the fixture elides repeated deltas). */
function collapse(types: string[]): string[] {
  return types.filter((t, i) => t !== types[i - 1]);
}

const fixtureEvents = parseSse<Json>(readFixture('openai/responses-stream.sse'));

describe('encodeResponsesStream', () => {
  test('a text stream follows the event sequence of responses-stream.sse', async () => {
    const { events, types } = await encode(
      [
        { type: 'start', id: 'resp_67c9', model: 'gpt-5.4', created: 1741290958 },
        { type: 'text-delta', text: 'Hi' },
        { type: 'text-delta', text: ' there! How can I assist you today?' },
        { type: 'finish', reason: 'stop', usage: { inputTokens: 37, outputTokens: 11 } },
      ],
      { model: 'gpt-5.4', input: 'hi', instructions: 'You are a helpful assistant.', stream: true },
    );
    expect(collapse(types)).toEqual(fixtureEvents.map((e) => e.event!));
    const loose = ['sequence_number', 'response.id', 'response.store', 'response.completed_at', 'item_id', 'item.id', 'response.output[0].id', 'response.usage'];
    for (const [i, e] of fixtureEvents.entries()) {
      const ours = events.find((o) => o.event === e.event && (e.event !== 'response.output_text.delta' || o.json.delta === e.json.delta));
      expect({ i, mismatches: shapeMismatches(ours?.json, e.json, loose) }).toEqual({ i, mismatches: [] });
    }
    const completed = events.at(-1)!.json.response;
    expect(completed.id).toBe('resp_67c9');
    expect(completed.usage).toEqual({
      input_tokens: 37, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 11, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 48,
    });
    expect(new Set(events.filter((e) => 'item_id' in e.json).map((e) => e.json.item_id)).size).toBe(1);
  });

  test('tool calls stream argument deltas and close with their full arguments', async () => {
    const { events, types } = await encode([
      { type: 'start', id: 'r1', model: 'm' },
      { type: 'text-delta', text: 'Let me check.' },
      { type: 'tool-call-start', id: 'call_a', name: 'get_weather', index: 0 },
      { type: 'tool-call-delta', id: 'call_a', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', id: 'call_a', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', id: 'call_a', index: 0 },
      { type: 'tool-call-start', id: 'call_b', name: 'get_time', index: 1 },
      { type: 'tool-call-delta', id: 'call_b', index: 1, argumentsDelta: '{}' },
      { type: 'finish', reason: 'tool-calls' },
    ]);
    expect(collapse(types)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done',
      'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    const done = events.filter((e) => e.event === 'response.function_call_arguments.done').map((e) => [e.json.output_index, e.json.name, e.json.arguments]);
    expect(done).toEqual([[1, 'get_weather', '{"city":"Paris"}'], [2, 'get_time', '{}']]);
    const output = events.at(-1)!.json.response.output;
    expect(output.map((o: Json) => [o.type, o.status])).toEqual([['message', 'completed'], ['function_call', 'completed'], ['function_call', 'completed']]);
    expect(output[1]).toMatchObject({ call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(output[1].id).toBe(events.find((e) => e.event === 'response.function_call_arguments.done')!.json.item_id);
  });

  test('reasoning becomes a reasoning item with summary events and encrypted_content when included', async () => {
    const { events, types } = await encode(
      [
        { type: 'start', id: 'r1', model: 'm' },
        { type: 'reasoning-delta', text: 'Think' },
        { type: 'reasoning-delta', text: 'ing.' },
        { type: 'reasoning-end', redacted: 'gAAAA-enc', origin: 'openai-responses' },
        { type: 'reasoning-delta', text: 'More' },
        { type: 'reasoning-end', signature: 'sig', origin: 'anthropic' },
        { type: 'text-delta', text: 'Answer' },
        { type: 'finish', reason: 'stop', usage: { inputTokens: 3, outputTokens: 9, reasoningTokens: 6 } },
      ],
      { model: 'm', input: 'x', stream: true, include: ['reasoning.encrypted_content'], reasoning: { effort: 'low', summary: 'auto' } },
    );
    expect(collapse(types).slice(2, 9)).toEqual([
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added',
    ]);
    const output = events.at(-1)!.json.response.output;
    expect(output.map((o: Json) => o.type)).toEqual(['reasoning', 'reasoning', 'message']);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking.' }], encrypted_content: 'gAAAA-enc' });
    expect(openReasoning(output[1].encrypted_content)).toEqual({ origin: 'anthropic', signature: 'sig' });
    expect(events.at(-1)!.json.response.reasoning).toEqual({ effort: 'low', summary: 'auto' });
  });

  test('a length finish ends with response.incomplete', async () => {
    const { types, events } = await encode([{ type: 'text-delta', text: 'cut' }, { type: 'finish', reason: 'length' }]);
    expect(types.at(-1)).toBe('response.incomplete');
    expect(events.at(-1)!.json.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  test('usage that arrives after the finish part is in response.completed', async () => {
    const { events } = await encode([
      { type: 'text-delta', text: 'x' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 1, cachedInputTokens: 2 } },
    ]);
    expect(events.at(-1)!.json.response.usage).toMatchObject({ input_tokens: 4, input_tokens_details: { cached_tokens: 2 }, total_tokens: 5 });
  });

  test('an error part after content ends with response.failed then an error event', async () => {
    const { types, events, text } = await encode([
      { type: 'start', id: 'r1', model: 'm' },
      { type: 'text-delta', text: 'partial' },
      { type: 'error', error: new GatewayError('GW_RATE_LIMITED', 'Upstream rate limited.', { status: 429 }) },
      { type: 'text-delta', text: 'ignored' },
    ]);
    expect(types.slice(-2)).toEqual(['response.failed', 'error']);
    expect(types).not.toContain('response.completed');
    expect(text).not.toContain('ignored');
    expect(events.at(-2)!.json.response).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Upstream rate limited.' } });
    expect(events.at(-2)!.json.response.output[0].content[0].text).toBe('partial');
    expect(events.at(-1)!.json).toMatchObject({ type: 'error', code: 'rate_limit_exceeded', message: 'Upstream rate limited.', error: { type: 'rate_limit_error' } });
  });

  test('a parts stream that throws fails the response without leaking the cause', async () => {
    const { types, text } = await encode([{ type: 'text-delta', text: 'a' }], undefined, new Error('secret internal detail'));
    expect(types.slice(-2)).toEqual(['response.failed', 'error']);
    expect(text).not.toContain('secret internal detail');
  });

  test('parts that end without a finish fail as a truncated upstream', async () => {
    const { types, events } = await encode([{ type: 'text-delta', text: 'a' }]);
    expect(types.slice(-2)).toEqual(['response.failed', 'error']);
    expect(events.at(-2)!.json.response.error.code).toBe('server_error');
  });

  test('an error right away still opens the response first', async () => {
    const { types } = await encode([{ type: 'error', error: new GatewayError('GW_UPSTREAM_ERROR', 'boom') }]);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.failed', 'error']);
  });

  test('a client cancel cancels the parts stream', async () => {
    let cancelled: unknown;
    const parts = new ReadableStream<StreamPart>({
      start(c) {
        c.enqueue({ type: 'text-delta', text: 'a' });
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    const reader = encodeResponsesStream(parts, decode({ model: 'm', input: 'x' })).getReader();
    await reader.read();
    await reader.cancel('client gone');
    expect(cancelled).toBe('client gone');
  });
});
