import { describe, expect, test } from 'bun:test';
import { mapBedrockError, readBedrockError } from './map-bedrock-error.ts';
import { mapBedrockResponse } from './map-bedrock-response.ts';

describe('mapBedrockResponse', () => {
  test('text, tool use, signed reasoning, stop reason and usage with cache counts', () => {
    const r = mapBedrockResponse({
      output: { message: { role: 'assistant', content: [
        { reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } },
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
      ] } },
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 7, totalTokens: 30, cacheReadInputTokens: 9, cacheWriteInputTokens: 4 },
      metrics: { latencyMs: 100 },
    }, 'm', 'bedrock-req');
    expect(r).toEqual({
      id: 'bedrock-req', model: 'm', finishReason: 'tool-calls', rawFinishReason: 'tool_use',
      content: [
        { type: 'reasoning', text: 'hmm', signature: 'sig', origin: 'bedrock' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      usage: { inputTokens: 23, outputTokens: 7, cachedInputTokens: 9, cacheWriteTokens: 4 },
    });
  });

  test('stop reasons', () => {
    const reason = (stopReason: string) => mapBedrockResponse({ output: { message: { content: [] } }, stopReason }, 'm', 'i').finishReason;
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'model_context_window_exceeded', 'guardrail_intervened', 'content_filtered', 'new_one'].map(reason))
      .toEqual(['stop', 'stop', 'length', 'length', 'content-filter', 'content-filter', 'other']);
  });

  test('redacted reasoning keeps its bytes; a body without a message is a protocol error', () => {
    const r = mapBedrockResponse({ output: { message: { content: [{ reasoningContent: { redactedContent: 'b64==' } }] } }, stopReason: 'end_turn' }, 'm', 'i');
    expect(r.content).toEqual([{ type: 'reasoning', text: '', redacted: 'b64==', origin: 'bedrock' }]);
    expect(() => mapBedrockResponse({ message: 'oops' }, 'm', 'i')).toThrow(expect.objectContaining({ code: 'GW_UPSTREAM_PROTOCOL', retryable: true }));
  });
});

describe('Bedrock errors', () => {
  const awsError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ message }), { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers } });

  test('429 ThrottlingException: retryable 429 with the upstream wait', async () => {
    const e = await readBedrockError(awsError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.', { 'retry-after': '3' }));
    expect([e.code, e.status, e.retryable, e.retryAfterMs, e.message, e.upstream?.type]).toEqual(['GW_RATE_LIMITED', 429, true, 3000, 'Too many requests, please wait before trying again.', 'ThrottlingException']);
  });

  test('each error type keeps its meaning', () => {
    const of = (status: number, type: string) => { const e = mapBedrockError(status, type, 'm'); return [e.code, e.status, e.retryable]; };
    expect(of(400, 'ValidationException')).toEqual(['GW_BAD_REQUEST', 400, false]);
    expect(of(400, 'ServiceQuotaExceededException')).toEqual(['GW_QUOTA_EXHAUSTED', 429, true]);
    expect(of(403, 'AccessDeniedException')).toEqual(['GW_UPSTREAM_AUTH', 502, true]);
    expect(of(403, 'UnrecognizedClientException')).toEqual(['GW_UPSTREAM_AUTH', 502, true]);
    expect(of(404, 'ResourceNotFoundException')).toEqual(['GW_MODEL_NOT_FOUND', 404, false]);
    expect(of(408, 'ModelTimeoutException')).toEqual(['GW_UPSTREAM_TIMEOUT', 504, true]);
    expect(of(429, 'ModelNotReadyException')).toEqual(['GW_UNAVAILABLE', 503, true]);
    expect(of(424, 'ModelErrorException')).toEqual(['GW_UPSTREAM_ERROR', 502, true]);
    expect(of(500, 'modelStreamErrorException')).toEqual(['GW_UPSTREAM_ERROR', 502, true]);
    expect(of(500, 'throttlingException')).toEqual(['GW_RATE_LIMITED', 429, true]);
    expect(of(503, 'ServiceUnavailableException')).toEqual(['GW_UNAVAILABLE', 503, true]);
  });

  test('a body that is not JSON: the status decides, the text is the message', async () => {
    const e = await readBedrockError(new Response('upstream gateway exploded', { status: 502 }));
    expect([e.code, e.message]).toEqual(['GW_UPSTREAM_ERROR', 'upstream gateway exploded']);
  });
});
