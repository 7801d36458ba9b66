import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { encodeResponsesError, encodeResponsesStreamError } from './encode-responses-error.ts';
import { outputItemId } from './build-response-object.ts';
import { buildResponsesResultBody, encodeResponsesResult } from './encode-responses-result.ts';
import { openReasoning } from './reasoning-envelope.ts';
import { decode, parseSse, readJsonFixture, shapeMismatches } from './responses-test-kit.ts';

type Json = Record<string, any>;

/** Fields whose values legitimately differ from the recorded sample. */
const LOOSE = ['store', 'completed_at', 'output[0].id'];

describe('outputItemId', () => {
  test('the same response and place give the same id; another response or place another one', () => {
    const id = outputItemId('msg_', 'resp_1', 0);
    expect(id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(outputItemId('msg_', 'resp_1', 0)).toBe(id);
    const others = [outputItemId('msg_', 'resp_1', 1), outputItemId('msg_', 'resp_2', 0), outputItemId('msg_', 'resp_10', 0)];
    expect(new Set([id, ...others].map((x) => x.slice(4))).size).toBe(4);
  });

  test('with storage in play the response id is the gateway\'s own, not the upstream\'s (Ollama repeats chatcmpl-<n>)', async () => {
    const result: ChatResult = { id: 'chatcmpl-7', model: 'm', finishReason: 'stop', content: [{ type: 'text', text: 'x' }] };
    const req = { operation: 'chat', model: 'm', stream: false, body: { model: 'm', messages: [] } } as never;
    const meta = { fallbackId: 'resp_gateway1', store: true, previousResponseId: null };
    expect((buildResponsesResultBody(result, req, meta) as Json).id).toBe('resp_gateway1');
    expect((buildResponsesResultBody(result, req) as Json).id).toBe('resp_chatcmpl-7');
    const { createResponsesStreamEncoder } = await import('./encode-responses-stream.ts');
    const enc = createResponsesStreamEncoder(req, meta);
    const frames = enc.push({ type: 'start', id: 'chatcmpl-7', model: 'm' });
    expect(frames).toContain('resp_gateway1');
    expect(frames).not.toContain('chatcmpl-7');
  });

  test('a result encoded twice names its items alike', () => {
    const result: ChatResult = {
      id: 'up-1', model: 'm', finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1 },
      content: [{ type: 'text', text: 'hi' }, { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' }],
    };
    const req = { operation: 'chat', model: 'm', stream: false, body: { model: 'm', messages: [] } } as never;
    const a = buildResponsesResultBody(result, req) as Json;
    const b = buildResponsesResultBody(result, req) as Json;
    expect(a.output.map((o: Json) => o.id)).toEqual(b.output.map((o: Json) => o.id));
    expect(a.output[0].id).not.toBe(a.output[1].id.replace('fc_', 'msg_'));
  });
});

describe('encodeResponsesResult', () => {
  test('a text result matches responses-text.json', async () => {
    const fixture = readJsonFixture<Json>('openai/responses-text.json');
    const req = decode({ model: 'gpt-5.4', input: 'Tell me a three sentence bedtime story about a unicorn.' });
    const result: ChatResult = {
      id: fixture.id,
      model: fixture.model,
      created: fixture.created_at,
      content: [{ type: 'text', text: fixture.output[0].content[0].text }],
      finishReason: 'stop',
      usage: { inputTokens: 36, outputTokens: 87, cachedInputTokens: 0 },
    };
    const res = encodeResponsesResult(result, req);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Json;
    expect(shapeMismatches(body, fixture, LOOSE)).toEqual([]);
    expect(shapeMismatches({ ...body, status: 'x' }, fixture, LOOSE)).toEqual(['status: "x" instead of "completed"']);
    expect(body.output[0].id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(body.output[0].content[0].logprobs).toEqual([]);
    expect(body.store).toBe(false);
    expect(body.completed_at).toBeGreaterThanOrEqual(body.created_at);
  });

  test('a tool-call result matches responses-function-call.json', () => {
    const fixture = readJsonFixture<Json>('openai/responses-function-call.json');
    const req = decode({ model: 'gpt-5.4', input: 'What is the weather like in Boston today?', tools: fixture.tools, tool_choice: 'auto' });
    const call = fixture.output[0];
    const body = buildResponsesResultBody({
      id: fixture.id,
      model: fixture.model,
      created: fixture.created_at,
      content: [{ type: 'tool-call', id: call.call_id, name: call.name, arguments: call.arguments }],
      finishReason: 'tool-calls',
      usage: { inputTokens: 291, outputTokens: 23 },
    }, req) as Json;
    expect(shapeMismatches(body, fixture, LOOSE)).toEqual([]);
    expect(body.output[0].id).toStartWith('fc_');
    expect(body.usage.input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: 0 });
  });

  test('text, reasoning and tools keep their order; consecutive text shares one message', () => {
    const req = decode({ model: 'm', input: 'x', include: ['reasoning.encrypted_content'] });
    const body = buildResponsesResultBody({
      id: 'chatcmpl-1',
      model: 'up-model',
      content: [
        { type: 'reasoning', text: 'plan', redacted: 'gAAA', origin: 'openai-responses', providerOptions: { 'openai-responses': { id: 'rs_up' } } },
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'reasoning', text: '', signature: 'sig', origin: 'anthropic' },
      ],
      finishReason: 'tool-calls',
    }, req) as Json;
    expect(body.id).toBe('resp_chatcmpl-1');
    expect(body.model).toBe('up-model');
    expect(body.usage).toBeNull();
    expect(body.output.map((o: Json) => o.type)).toEqual(['reasoning', 'message', 'function_call', 'reasoning']);
    expect(body.output[0]).toEqual({ type: 'reasoning', id: 'rs_up', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'gAAA' });
    expect(body.output[1].content).toEqual([{ type: 'output_text', text: 'ab', annotations: [], logprobs: [] }]);
    expect(body.output[2]).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed' });
    expect(body.output[3].summary).toEqual([]);
    expect(openReasoning(body.output[3].encrypted_content)).toEqual({ origin: 'anthropic', signature: 'sig' });
  });

  test('encrypted_content is sent only when include asks for it', () => {
    const body = buildResponsesResultBody({
      id: 'x', model: 'm', finishReason: 'stop',
      content: [{ type: 'reasoning', text: 't', redacted: 'gAAA', origin: 'openai-responses' }],
    }, decode({ model: 'm', input: 'x' })) as Json;
    expect('encrypted_content' in body.output[0]).toBe(false);
  });

  test('a length finish is an incomplete response with its reason', () => {
    const body = buildResponsesResultBody(
      { id: 'x', model: 'm', content: [{ type: 'text', text: 'cut' }], finishReason: 'length', usage: { inputTokens: 1, outputTokens: 5, reasoningTokens: 2 } },
      decode({ model: 'm', input: 'x', max_output_tokens: 5 }),
    ) as Json;
    expect(body.status).toBe('incomplete');
    expect(body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(body.max_output_tokens).toBe(5);
    expect(body.usage).toEqual({
      input_tokens: 1, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 6,
    });
  });

  test('echo fields come from the request', () => {
    const tools = [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }];
    const body = buildResponsesResultBody({ id: 'x', model: '', content: [], finishReason: 'stop' }, decode({
      model: 'asked', input: 'x', instructions: 'sys', tools, tool_choice: 'required', temperature: 0.5, top_p: 0.7,
      parallel_tool_calls: false, reasoning: { effort: 'low' }, text: { format: { type: 'json_object' } },
      metadata: { k: 'v' }, user: 'u', truncation: 'auto', prompt_cache_key: 'p',
    })) as Json;
    expect(body).toMatchObject({
      model: 'asked', instructions: 'sys', tools, tool_choice: 'required', temperature: 0.5, top_p: 0.7,
      parallel_tool_calls: false, reasoning: { effort: 'low', summary: null }, text: { format: { type: 'json_object' } },
      metadata: { k: 'v' }, user: 'u', truncation: 'auto', prompt_cache_key: 'p', previous_response_id: null, error: null,
    });
  });
});

describe('encodeResponsesError', () => {
  test('the envelope matches error-401.json / error-429.json in shape, with retry-after', async () => {
    const fixture = readJsonFixture<Json>('openai/error-429.json');
    const err = new GatewayError('GW_RATE_LIMITED', 'Slow down.', { retryAfterMs: 1500 });
    const res = encodeResponsesError(err);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    const body = (await res.json()) as Json;
    expect(shapeMismatches(body, fixture, ['error.message', 'error.type'])).toEqual([]);
    expect(body.error).toEqual({ message: 'Slow down.', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' });
  });

  test('a 400 keeps its param; an upstream error keeps its type and code', async () => {
    const bad = await encodeResponsesError(new GatewayError('GW_BAD_REQUEST', 'bad', { param: 'input[0]' })).json() as Json;
    expect(bad.error).toEqual({ message: 'bad', type: 'invalid_request_error', param: 'input[0]', code: 'GW_BAD_REQUEST' });
    const up = new GatewayError('GW_BAD_REQUEST', 'too long', { upstream: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' } });
    expect(((await encodeResponsesError(up).json()) as Json).error.code).toBe('context_length_exceeded');
    const google = new GatewayError('GW_RATE_LIMITED', 'Quota exceeded.', { status: 429, upstream: { status: 429, type: 'RESOURCE_EXHAUSTED' } });
    expect(((await encodeResponsesError(google).json()) as Json).error.type).toBe('rate_limit_error');
  });

  test('the stream error frame is an `error` event with flat and nested fields', () => {
    const [event] = parseSse(encodeResponsesStreamError(new GatewayError('GW_UPSTREAM_ERROR', 'broken')));
    expect(event.event).toBe('error');
    expect(event.json).toEqual({
      type: 'error', code: 'GW_UPSTREAM_ERROR', message: 'broken', param: null, sequence_number: 0,
      error: { message: 'broken', type: 'api_error', param: null, code: 'GW_UPSTREAM_ERROR' },
    });
  });
});
