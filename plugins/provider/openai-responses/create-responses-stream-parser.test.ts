import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { buildResponse, replyEvents, type MockResponsesReply } from '../../../tests/helpers/mock-responses-replies.ts';
import { createResponsesJsonParser, createResponsesStreamParser } from './create-responses-stream-parser.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures`;
const fixtureSse = readFileSync(`${FIXTURES}/openai/responses-stream.sse`);

/** SSE bytes of a mock reply, framed as OpenAI frames them. */
function mockSse(reply: MockResponsesReply, body: Record<string, unknown> = {}): Uint8Array {
  const response = buildResponse({ model: 'gpt-5.4', input: 'x', ...body }, reply, { id: 'resp_t1', created: 1741290958, seq: 1 });
  const text = replyEvents(response).map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  return new TextEncoder().encode(text);
}

function run(parser: StreamParser, chunks: Uint8Array[]): StreamPart[] {
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

/** Plain-data view of parts (errors reduced to code/status/message) for deep comparison. */
function plain(parts: StreamPart[]): unknown[] {
  return parts.map((p) => (p.type === 'error' ? { type: 'error', code: p.error.code, status: p.error.status, message: p.error.message } : p));
}

function expectSameAtEveryBoundary(bytes: Uint8Array): StreamPart[] {
  const whole = run(createResponsesStreamParser(), [bytes]);
  for (let i = 1; i < bytes.length; i++) {
    const split = run(createResponsesStreamParser(), [bytes.subarray(0, i), bytes.subarray(i)]);
    if (JSON.stringify(plain(split)) !== JSON.stringify(plain(whole))) throw new Error(`parts differ when split at byte ${i}`);
  }
  const bytewise = run(createResponsesStreamParser(), Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  expect(plain(bytewise)).toEqual(plain(whole));
  return whole;
}

describe('createResponsesStreamParser', () => {
  test('responses-stream.sse gives start, the text and finish with usage, at every byte boundary', () => {
    const parts = expectSameAtEveryBoundary(fixtureSse);
    expect(parts).toEqual([
      { type: 'start', id: 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654', model: 'gpt-5.4', created: 1741290958 },
      { type: 'text-delta', text: 'Hi' },
      // the sample elides the middle deltas; output_text.done completes the text
      { type: 'text-delta', text: ' there! How can I assist you today?' },
      {
        type: 'finish', reason: 'stop', rawReason: 'completed', usage: { inputTokens: 37, outputTokens: 11, reasoningTokens: 0 },
        // response.completed's own output items, for a stored copy of what the client saw.
        providerMetadata: { 'openai-responses': expect.objectContaining({ output: [expect.objectContaining({ type: 'message', id: expect.stringMatching(/^msg_/) })] }) },
      },
    ]);
  });

  test('reasoning with encrypted content and two function calls, at every byte boundary', () => {
    const bytes = mockSse(
      { reasoning: 'Check the weather.', toolCalls: [{ callId: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }, { callId: 'call_b', name: 'now', arguments: '{}' }] },
      { reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] },
    );
    const parts = expectSameAtEveryBoundary(bytes);
    const types = parts.map((p) => p.type);
    expect(types[0]).toBe('start');
    expect(parts.filter((p) => p.type === 'reasoning-delta').map((p) => (p as { text: string }).text).join('')).toBe('Check the weather.');
    const end = parts.find((p) => p.type === 'reasoning-end') as Extract<StreamPart, { type: 'reasoning-end' }>;
    expect(end.origin).toBe('openai-responses');
    expect(end.redacted).toStartWith('gAAAAB');
    const starts = parts.filter((p) => p.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', id: 'call_a', name: 'get_weather', index: 0 },
      { type: 'tool-call-start', id: 'call_b', name: 'now', index: 1 },
    ]);
    const args = (id: string) => parts.filter((p) => p.type === 'tool-call-delta' && p.id === id).map((p) => (p as { argumentsDelta: string }).argumentsDelta);
    expect(args('call_a').length).toBeGreaterThan(1);
    expect(args('call_a').join('')).toBe('{"city":"Paris"}');
    expect(args('call_b').join('')).toBe('{}');
    expect(parts.filter((p) => p.type === 'tool-call-end').map((p) => (p as { id: string }).id)).toEqual(['call_a', 'call_b']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls', usage: { reasoningTokens: expect.any(Number) } });
  });

  test('several summary parts are separated by a blank line', () => {
    const events = [
      { type: 'response.created', response: { id: 'r', model: 'm' } },
      { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
      { type: 'response.reasoning_summary_part.added', item_id: 'rs_1', output_index: 0, summary_index: 0 },
      { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'One.' },
      { type: 'response.reasoning_summary_part.added', item_id: 'rs_1', output_index: 0, summary_index: 1 },
      { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 1, delta: 'Two.' },
      { type: 'response.output_item.done', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
      { type: 'response.completed', response: { id: 'r', status: 'completed', usage: null } },
    ];
    const parts = run(createResponsesStreamParser(), [new TextEncoder().encode(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''))]);
    expect(parts.filter((p) => p.type === 'reasoning-delta').map((p) => (p as { text: string }).text)).toEqual(['One.', '\n\n', 'Two.']);
    expect(parts.find((p) => p.type === 'reasoning-end')).toEqual({ type: 'reasoning-end' });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', rawReason: 'completed' });
  });

  test('a server that sends only .done events still yields the text and the arguments', () => {
    const events = [
      { type: 'response.created', response: { id: 'r', model: 'm' } },
      { type: 'response.output_item.done', output_index: 0, item: { id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: 'All at once.' }] } },
      { type: 'response.output_item.done', output_index: 1, item: { id: 'fc_1', type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' } },
      { type: 'response.completed', response: { id: 'r', status: 'completed' } },
    ];
    const parts = run(createResponsesStreamParser(), [new TextEncoder().encode(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''))]);
    expect(parts.slice(1)).toEqual([
      { type: 'text-delta', text: 'All at once.' },
      { type: 'tool-call-start', id: 'c1', name: 'f', index: 0 },
      { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', id: 'c1', index: 0 },
      { type: 'finish', reason: 'tool-calls', rawReason: 'completed' },
    ]);
  });

  test('response.incomplete finishes with length; content_filter with content-filter', () => {
    const incomplete = (reason: string) => mockSse({ text: 'cut', status: 'incomplete', incompleteReason: reason as 'content_filter' });
    expect(run(createResponsesStreamParser(), [incomplete('max_output_tokens')]).at(-1)).toMatchObject({ type: 'finish', reason: 'length', rawReason: 'max_output_tokens' });
    expect(run(createResponsesStreamParser(), [incomplete('content_filter')]).at(-1)).toMatchObject({ type: 'finish', reason: 'content-filter' });
  });

  test('an error event and response.failed become one error part', () => {
    const text = [
      'event: response.created\ndata: {"type":"response.created","response":{"id":"r","model":"m"},"sequence_number":0}\n\n',
      'event: response.failed\ndata: {"type":"response.failed","response":{"id":"r","status":"failed","error":{"code":"rate_limit_exceeded","message":"Slow down"}},"sequence_number":1}\n\n',
      'event: error\ndata: {"type":"error","code":"server_error","message":"x","param":null,"sequence_number":2}\n\n',
    ].join('');
    const parts = run(createResponsesStreamParser(), [new TextEncoder().encode(text)]);
    expect(plain(parts)).toEqual([
      { type: 'start', id: 'r', model: 'm' },
      { type: 'error', code: 'GW_RATE_LIMITED', status: 429, message: 'Slow down' },
    ]);
    expect((parts[1] as Extract<StreamPart, { type: 'error' }>).error.retryable).toBe(true);
  });

  test('a nested error event maps its code; the account secret is masked', () => {
    const secret = 'sk-proj-abcdefgh12345678';
    const text = `event: error\ndata: {"type":"error","sequence_number":0,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Too long for key ${secret}","param":"input"}}\n\n`;
    const [part] = run(createResponsesStreamParser({ secret }), [new TextEncoder().encode(text)]);
    expect(part.type).toBe('error');
    const err = (part as Extract<StreamPart, { type: 'error' }>).error;
    expect([err.code, err.status, err.retryable, err.upstream?.code]).toEqual(['GW_BAD_REQUEST', 400, false, 'context_length_exceeded']);
    expect(err.message).not.toContain(secret);
  });

  test('malformed JSON and a truncated stream are retryable protocol errors', () => {
    const malformed = run(createResponsesStreamParser(), [new TextEncoder().encode('event: response.created\ndata: {"type":"resp\n\n')]);
    expect(plain(malformed)).toEqual([{ type: 'error', code: 'GW_UPSTREAM_PROTOCOL', status: 502, message: 'The Responses upstream sent a malformed stream event.' }]);
    const cut = fixtureSse.subarray(0, fixtureSse.indexOf('event: response.completed'));
    const parts = run(createResponsesStreamParser(), [cut]);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'GW_UPSTREAM_PROTOCOL', retryable: true } });
    expect(parts.filter((p) => p.type === 'finish')).toEqual([]);
  });

  test('nothing is parsed after the terminal event', () => {
    const parser = createResponsesStreamParser();
    const parts = run(parser, [fixtureSse, new TextEncoder().encode('\ndata: [DONE]\n\ndata: {"type":"response.output_text.delta","delta":"late"}\n\n')]);
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('Hi there! How can I assist you today?');
    expect(parts.at(-1)?.type).toBe('finish');
  });
});

describe('createResponsesJsonParser', () => {
  test('a whole JSON body gives the parts of the result', () => {
    const fixture = readFileSync(`${FIXTURES}/openai/responses-function-call.json`);
    const parser = createResponsesJsonParser();
    expect(parser.push(fixture.subarray(0, 100))).toEqual([]);
    expect(parser.push(fixture.subarray(100))).toEqual([]);
    expect(parser.end()).toEqual([
      { type: 'start', id: 'resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0', model: 'gpt-5.4', created: 1741294021 },
      { type: 'tool-call-start', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather', index: 0 },
      { type: 'tool-call-delta', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', index: 0, argumentsDelta: '{"location":"Boston, MA","unit":"celsius"}' },
      { type: 'tool-call-end', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', index: 0 },
      {
        type: 'finish', reason: 'tool-calls', usage: { inputTokens: 291, outputTokens: 23, reasoningTokens: 0 }, rawReason: 'completed',
        providerMetadata: { 'openai-responses': expect.objectContaining({ output: [expect.objectContaining({ type: 'function_call', id: expect.stringMatching(/^fc_/) })] }) },
      },
    ]);
  });

  test('a truncated JSON body is a protocol error', () => {
    const parser = createResponsesJsonParser();
    parser.push(new TextEncoder().encode('{"id":"resp_1","output":['));
    expect(parser.end()).toMatchObject([{ type: 'error', error: { code: 'GW_UPSTREAM_PROTOCOL' } }]);
  });
});
