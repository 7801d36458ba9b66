import { describe, expect, test } from 'bun:test';
import { explainJsonToolRefusal, mapBedrockError, readBedrockError } from './map-bedrock-error.ts';
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

describe('mapBedrockResponse with the structured-output tool', () => {
  const JSON_TOOL = { name: 'json_output', wrapped: false };
  const reply = (content: unknown[], stopReason = 'tool_use') =>
    ({ output: { message: { role: 'assistant', content } }, stopReason, usage: { inputTokens: 10, outputTokens: 7, totalTokens: 17 } });
  const call = (name: string, input: unknown, id = 'tooluse_1') => ({ toolUse: { toolUseId: id, name, input } });

  test("the tool's input is the answer text, in place of the text around it; tool_use becomes stop", () => {
    const r = mapBedrockResponse(reply([{ text: 'Sure, here it is.' }, call('json_output', { name: 'Ada', age: 36 })]), 'm', 'i', JSON_TOOL);
    expect(r).toEqual({
      id: 'i', model: 'm', content: [{ type: 'text', text: '{"name":"Ada","age":36}' }],
      finishReason: 'stop', rawFinishReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 7 },
    });
  });

  test("a wrapped schema's value comes back bare; a client tool called beside it keeps tool-calls", () => {
    expect(mapBedrockResponse(reply([call('json_output', { value: ['a', 'b'] })]), 'm', 'i', { name: 'json_output', wrapped: true }).content)
      .toEqual([{ type: 'text', text: '["a","b"]' }]);
    const both = mapBedrockResponse(reply([call('get_weather', { city: 'Paris' }, 'tooluse_w'), call('json_output', { a: 1 })]), 'm', 'i', JSON_TOOL);
    expect([both.finishReason, both.rawFinishReason, both.content]).toEqual(['tool-calls', 'tool_use', [
      { type: 'tool-call', id: 'tooluse_w', name: 'get_weather', arguments: '{"city":"Paris"}' }, { type: 'text', text: '{"a":1}' },
    ]]);
  });

  test('a tool not called (text only), or no trick: the reply as it came', () => {
    expect(mapBedrockResponse(reply([{ text: 'plain' }], 'end_turn'), 'm', 'i', JSON_TOOL).content).toEqual([{ type: 'text', text: 'plain' }]);
    expect(mapBedrockResponse(reply([call('json_output', { a: 1 })]), 'm', 'i').content)
      .toEqual([{ type: 'tool-call', id: 'tooluse_1', name: 'json_output', arguments: '{"a":1}' }]);
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

  test("a model's refusal of the structured-output tool becomes GW_UNSUPPORTED that says why; other errors stay", () => {
    for (const message of ["This model doesn't support tool use.", "This model doesn't support tool use in streaming mode.",
      "This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again."]) {
      const e = explainJsonToolRefusal(mapBedrockError(400, 'ValidationException', message), 'us.deepseek.r1-v1:0');
      expect([e.code, e.status, e.retryable, e.param, e.upstream?.message]).toEqual(['GW_UNSUPPORTED', 400, false, 'response_format', message]);
      expect(e.message).toContain('Structured output');
      expect(e.message).toContain('"us.deepseek.r1-v1:0"');
    }
    const other = mapBedrockError(400, 'ValidationException', 'messages.0: blank text');
    expect(explainJsonToolRefusal(other, 'm')).toBe(other);
    const throttled = mapBedrockError(429, 'ThrottlingException', "This model doesn't support tool use.");
    expect(explainJsonToolRefusal(throttled, 'm')).toBe(throttled);
  });

  test('a body that is not JSON: the status decides, the text is the message', async () => {
    const e = await readBedrockError(new Response('upstream gateway exploded', { status: 502 }));
    expect([e.code, e.message]).toEqual(['GW_UPSTREAM_ERROR', 'upstream gateway exploded']);
  });
});
