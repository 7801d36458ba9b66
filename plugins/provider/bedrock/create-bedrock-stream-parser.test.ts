import { describe, expect, test } from 'bun:test';
import type { StreamPart } from '../../../core/types/hub.ts';
import { encodeAwsEventMessage } from '../../../core/util/aws-event-stream.ts';
import { createBedrockStreamParser } from './create-bedrock-stream-parser.ts';

const event = (type: string, payload: Record<string, unknown>) =>
  encodeAwsEventMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify({ ...payload, p: 'abcd' }));
const exception = (type: string, message: string) =>
  encodeAwsEventMessage({ ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }, JSON.stringify({ message }));

/** Feeds the frames as one buffer cut into `size`-byte chunks, then ends. */
function run(frames: Uint8Array[], size = 5, json?: { name: string; wrapped: boolean }): StreamPart[] {
  const all = Buffer.concat(frames);
  const p = createBedrockStreamParser('m', 'id-1', json);
  const out: StreamPart[] = [];
  for (let i = 0; i < all.length; i += size) out.push(...p.push(all.subarray(i, i + size)));
  return [...out, ...p.end()];
}

const START = event('messageStart', { role: 'assistant' });
const STOP = (stopReason: string) => event('messageStop', { stopReason });
const METADATA = event('metadata', { usage: { inputTokens: 5, outputTokens: 3, totalTokens: 10, cacheReadInputTokens: 2 }, metrics: { latencyMs: 9 } });

describe('createBedrockStreamParser', () => {
  test('text, then a tool call in fragments, then finish with usage, from chunks split anywhere', () => {
    const parts = run([
      START,
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me ' } }),
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'check.' } }),
      event('contentBlockStop', { contentBlockIndex: 0 }),
      event('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } }),
      event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } }),
      event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } }),
      event('contentBlockStop', { contentBlockIndex: 1 }),
      STOP('tool_use'), METADATA,
    ], 7);
    expect(parts).toEqual([
      { type: 'start', id: 'id-1', model: 'm' },
      { type: 'text-delta', text: 'Let me ' },
      { type: 'text-delta', text: 'check.' },
      { type: 'tool-call-start', id: 'tooluse_1', name: 'get_weather', index: 0 },
      { type: 'tool-call-delta', id: 'tooluse_1', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', id: 'tooluse_1', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', id: 'tooluse_1', index: 0 },
      { type: 'finish', reason: 'tool-calls', rawReason: 'tool_use', usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 2 } },
    ]);
  });

  test('reasoning with its signature ends as a signed reasoning block', () => {
    const parts = run([
      START,
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'hmm' } } }),
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-1' } } }),
      event('contentBlockStop', { contentBlockIndex: 0 }),
      event('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'ok' } }),
      STOP('end_turn'),
    ]);
    expect(parts.slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'reasoning-end', signature: 'sig-1', origin: 'bedrock' },
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', reason: 'stop', rawReason: 'end_turn' },
    ]);
  });

  test('an exception event → one error part mapped by its type, nothing after it', () => {
    const p = createBedrockStreamParser('m', 'id');
    const parts = p.push(Buffer.concat([START, event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'a' } }), exception('throttlingException', 'Too many tokens'), STOP('end_turn')]));
    expect(parts.map((x) => x.type)).toEqual(['start', 'text-delta', 'error']);
    const err = (parts[2] as Extract<StreamPart, { type: 'error' }>).error;
    expect([err.code, err.status, err.retryable, err.message]).toEqual(['GW_RATE_LIMITED', 429, true, 'Too many tokens']);
    expect([...p.push(STOP('end_turn')), ...p.end()]).toEqual([]);
    const model = run([START, exception('modelStreamErrorException', 'boom')]).at(-1) as Extract<StreamPart, { type: 'error' }>;
    expect([model.error.code, model.error.upstream?.type]).toEqual(['GW_UPSTREAM_ERROR', 'ModelStreamErrorException']);
  });

  test('a body cut inside a frame, one ending before messageStop, and a corrupt frame are protocol errors', () => {
    const whole = Buffer.concat([START, STOP('end_turn')]);
    const cut = createBedrockStreamParser('m', 'id');
    cut.push(whole.subarray(0, whole.length - 3));
    expect(cut.end()).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'GW_UPSTREAM_PROTOCOL', message: expect.stringContaining('inside a message') }) }]);
    expect(run([START]).at(-1)).toEqual({ type: 'error', error: expect.objectContaining({ message: expect.stringContaining('before messageStop') }) });
    const bad = Buffer.from(Buffer.concat([START, STOP('end_turn')]));
    bad[bad.length - 10] ^= 0xff;
    expect(run([bad]).map((x) => x.type)).toEqual(['start', 'error']);
  });
});

describe('createBedrockStreamParser with the structured-output tool', () => {
  const JSON_TOOL = { name: 'json_output', wrapped: false };
  const text = (i: number, t: string) => event('contentBlockDelta', { contentBlockIndex: i, delta: { text: t } });
  const toolStart = (i: number, name: string, id = 'tooluse_j') => event('contentBlockStart', { contentBlockIndex: i, start: { toolUse: { toolUseId: id, name } } });
  const input = (i: number, piece: string) => event('contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: piece } } });
  const stop = (i: number) => event('contentBlockStop', { contentBlockIndex: i });
  const FINISH_STOP: StreamPart = { type: 'finish', reason: 'stop', rawReason: 'end_turn', usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 2 } };

  test("the tool's input fragments become text deltas, the text before it is dropped, tool_use becomes stop", () => {
    const parts = run([
      START, text(0, 'Sure, '), text(0, 'here.'), stop(0),
      toolStart(1, 'json_output'), input(1, '{"na'), input(1, 'me":"Ada",'), input(1, '"age":36}'), stop(1),
      STOP('tool_use'), METADATA,
    ], 6, JSON_TOOL);
    expect(parts).toEqual([
      { type: 'start', id: 'id-1', model: 'm' },
      { type: 'text-delta', text: '{"na' }, { type: 'text-delta', text: 'me":"Ada",' }, { type: 'text-delta', text: '"age":36}' },
      FINISH_STOP,
    ]);
  });

  test("a wrapped schema's value streams out bare; a call without input fragments is {}", () => {
    const wrapped = run([START, toolStart(0, 'json_output'), input(0, '{"val'), input(0, 'ue": ["a",'), input(0, '"b"]}'), stop(0), STOP('tool_use'), METADATA], 5, { name: 'json_output', wrapped: true });
    expect(wrapped.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('["a","b"]');
    const empty = run([START, toolStart(0, 'json_output'), stop(0), STOP('tool_use'), METADATA], 9, JSON_TOOL);
    expect(empty.slice(1)).toEqual([{ type: 'text-delta', text: '{}' }, FINISH_STOP]);
  });

  test('the tool not called: the held text comes before the finish; a client tool call stays a tool call', () => {
    const plain = run([START, text(0, 'no '), text(0, 'JSON'), stop(0), STOP('end_turn'), METADATA], 8, JSON_TOOL);
    expect(plain.slice(1)).toEqual([{ type: 'text-delta', text: 'no JSON' }, FINISH_STOP]);
    const client = run([START, toolStart(0, 'get_weather', 'tooluse_w'), input(0, '{}'), stop(0), STOP('tool_use'), METADATA], 8, JSON_TOOL);
    expect(client.slice(1).map((p) => p.type)).toEqual(['tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
    expect(client.at(-1)).toMatchObject({ reason: 'tool-calls', rawReason: 'tool_use' });
  });
});
