import { expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { resultToParts as chatResultToParts } from '../types/result-to-parts.ts';
import { assembleChatResult } from './assemble-chat-result.ts';

const parts: StreamPart[] = [
  { type: 'start', id: 'r1', model: 'm', created: 7 },
  { type: 'reasoning-delta', text: 'thin' },
  { type: 'reasoning-delta', text: 'king' },
  { type: 'reasoning-end', signature: 'sig', origin: 'anthropic' },
  { type: 'text-delta', text: 'Hel' },
  { type: 'text-delta', text: 'lo' },
  { type: 'tool-call-start', id: 'c1', name: 'f', index: 0 },
  { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"a":' },
  { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '1}' },
  { type: 'tool-call-end', id: 'c1', index: 0 },
  { type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } },
  { type: 'finish', reason: 'tool-calls', rawReason: 'tool_use' },
];

test('parts fold into the complete result, and the result unfolds into equivalent parts', () => {
  const r = assembleChatResult(parts)!;
  const expected: ChatResult = {
    id: 'r1', model: 'm', created: 7, finishReason: 'tool-calls', rawFinishReason: 'tool_use', usage: { inputTokens: 3, outputTokens: 4 },
    content: [
      { type: 'reasoning', text: 'thinking', signature: 'sig', origin: 'anthropic' },
      { type: 'text', text: 'Hello' },
      { type: 'tool-call', id: 'c1', name: 'f', arguments: '{"a":1}' },
    ],
  };
  expect(r).toEqual(expected);
  expect(assembleChatResult(chatResultToParts(r))).toEqual(expected);
});

test('an error part, a missing finish or an error finish keep nothing', () => {
  expect(assembleChatResult(parts.slice(0, -1))).toBeUndefined();
  expect(assembleChatResult([...parts.slice(0, 5), { type: 'error', error: new GatewayError('GW_UPSTREAM_ERROR', 'x') }, parts.at(-1)!])).toBeUndefined();
  expect(assembleChatResult([parts[0], { type: 'finish', reason: 'error' }])).toBeUndefined();
});

test('provider metadata on the finish part is the result\'s, and goes back on the finish part', () => {
  const meta = { 'openai-responses': { output: [{ id: 'ws_1', type: 'web_search_call' }], service_tier: 'default' } };
  const r = assembleChatResult([...parts.slice(0, -1), { type: 'finish', reason: 'stop', providerMetadata: meta }])!;
  expect(r.providerMetadata).toEqual(meta);
  expect(chatResultToParts(r).at(-1)).toMatchObject({ type: 'finish', providerMetadata: meta });
  expect(assembleChatResult(parts)!.providerMetadata).toBeUndefined();
});
