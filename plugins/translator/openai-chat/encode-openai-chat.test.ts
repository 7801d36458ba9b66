import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createSseParser } from '../../../core/util/sse.ts';
import { encodeOpenAIChatResult } from './encode-openai-chat-result.ts';
import { encodeOpenAIChatStream } from './encode-openai-chat-stream.ts';
import { encodeOpenAIError, encodeOpenAIErrorBody, encodeOpenAIStreamError } from './encode-openai-error.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/openai`;
const fixture = (name: string) => readFileSync(`${FIX}/${name}`, 'utf8');

function partsStream(parts: StreamPart[], onCancel?: (r: unknown) => void): ReadableStream<StreamPart> {
  let i = 0;
  return new ReadableStream<StreamPart>({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++]);
      else c.close();
    },
    cancel: onCancel,
  });
}

async function encodeToText(parts: StreamPart[], streamUsage = false): Promise<string> {
  return new Response(encodeOpenAIChatStream(partsStream(parts), { id: 'chatcmpl-x', model: 'm', streamUsage })).text();
}

/** SSE `data` payloads of a text. */
function frames(text: string): string[] {
  const p = createSseParser();
  return [...p.push(text), ...p.end()].map((e) => e.data);
}

/** Drops fields a gateway cannot reproduce (logprobs content, fingerprint), keeps structure. */
function normalize(chunk: Record<string, unknown>): Record<string, unknown> {
  const { system_fingerprint: _fp, ...rest } = chunk;
  const choices = (rest.choices as Array<Record<string, unknown>>).map((c) => ({ ...c, logprobs: null }));
  return { ...rest, choices };
}

describe('encodeOpenAIChatResult', () => {
  test('matches chat-completion.json field for field, in order', () => {
    const expected = JSON.parse(fixture('chat-completion.json'));
    const out = encodeOpenAIChatResult({
      id: expected.id,
      model: expected.model,
      created: expected.created,
      content: [{ type: 'text', text: expected.choices[0].message.content }],
      finishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0 },
      providerMetadata: { openai: { service_tier: 'default' } },
    });
    expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
  });

  test('tool calls: content null, tool_calls as in chat-completion-tool-calls.json', () => {
    const expected = JSON.parse(fixture('chat-completion-tool-calls.json'));
    const call = expected.choices[0].message.tool_calls[0];
    const out = encodeOpenAIChatResult({
      id: expected.id,
      model: expected.model,
      created: expected.created,
      content: [{ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments }],
      finishReason: 'tool-calls',
      usage: { inputTokens: 82, outputTokens: 17 },
    });
    // The fixture predates `refusal`/`annotations` and usage details; everything it has must match.
    expect(out).toMatchObject(expected);
    expect(Object.keys(out.choices[0].message)).toEqual(['role', 'content', 'tool_calls', 'refusal', 'annotations']);
    expect(out.choices[0].message.refusal).toBeNull();
  });

  test('reasoning_content, cached and reasoning tokens, finish reasons', () => {
    const out = encodeOpenAIChatResult({
      id: 'r1',
      model: '',
      content: [{ type: 'reasoning', text: 'think ' }, { type: 'reasoning', text: 'more' }, { type: 'text', text: 'ok' }],
      finishReason: 'length',
      usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 64, reasoningTokens: 12 },
    }, 'fallback-model');
    expect(out.model).toBe('fallback-model');
    expect(out.choices[0].message.reasoning_content).toBe('think more');
    expect(out.choices[0].message.content).toBe('ok');
    expect(out.choices[0].finish_reason).toBe('length');
    expect(out.usage?.prompt_tokens_details.cached_tokens).toBe(64);
    expect(out.usage?.completion_tokens_details.reasoning_tokens).toBe(12);
    expect(out.usage?.total_tokens).toBe(120);
    expect(typeof out.created).toBe('number');
    const map = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls', 'content-filter': 'content_filter', other: 'stop', error: 'stop' } as const;
    for (const [hub, oa] of Object.entries(map)) {
      const r = encodeOpenAIChatResult({ id: 'x', model: 'm', content: [], finishReason: hub as keyof typeof map });
      expect(r.choices[0].finish_reason).toBe(oa);
      expect(r.choices[0].message.content).toBe('');
      expect(r.usage).toBeUndefined();
    }
  });
});

describe('encodeOpenAIChatStream', () => {
  test('tool call stream equals chat-stream-tool-calls.sse', async () => {
    const want = frames(fixture('chat-stream-tool-calls.sse'));
    const text = await encodeToText([
      { type: 'start', id: 'chatcmpl-custom-tools', model: 'gpt-5.5', created: 1 },
      { type: 'tool-call-start', id: 'call_function_456', name: 'get_weather', index: 0 },
      { type: 'tool-call-delta', id: 'call_function_456', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', id: 'call_function_456', index: 0, argumentsDelta: '"SF"}' },
      { type: 'tool-call-end', id: 'call_function_456', index: 0 },
      { type: 'finish', reason: 'tool-calls' },
    ]);
    const got = frames(text);
    expect(got.length).toBe(want.length);
    expect(got.at(-1)).toBe('[DONE]');
    for (let i = 0; i < want.length - 1; i++) expect(JSON.parse(got[i])).toEqual(JSON.parse(want[i]));
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  test('text stream with include_usage matches chat-stream-include-usage.sse', async () => {
    const wantFrames = frames(fixture('chat-stream-include-usage.sse'));
    const want = wantFrames.slice(0, -1).map((f) => JSON.parse(f));
    const first = want[0];
    const parts: StreamPart[] = [{ type: 'start', id: first.id, model: first.model, created: first.created }];
    for (const c of want.slice(1, -2)) parts.push({ type: 'text-delta', text: c.choices[0].delta.content });
    parts.push({ type: 'finish', reason: 'stop', usage: { inputTokens: 17, outputTokens: 10 } });
    const got = frames(await encodeToText(parts, true));
    expect(got.at(-1)).toBe('[DONE]');
    const gotJson = got.slice(0, -1).map((f) => JSON.parse(f));
    expect(gotJson.length).toBe(want.length);
    for (let i = 0; i < want.length - 1; i++) expect(normalize(gotJson[i])).toEqual(normalize(want[i]));
    // usage chunk: choices [] and the fixture's numbers (we add the detail objects)
    expect(gotJson.at(-1).choices).toEqual([]);
    expect(gotJson.at(-1)).toMatchObject(normalize(want.at(-1)));
    expect(Object.keys(gotJson.at(-1))).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage']);
  });

  test('no usage chunk unless asked; a late usage part still counts when asked', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'a', model: 'm' },
      { type: 'text-delta', text: 'hi' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } },
    ];
    const plain = frames(await encodeToText(parts));
    expect(plain.some((f) => f.includes('"usage"'))).toBe(false);
    const asked = frames(await encodeToText(parts, true));
    const usage = JSON.parse(asked.at(-2) ?? '');
    expect(usage.usage.prompt_tokens).toBe(3);
    expect(usage.usage.total_tokens).toBe(4);
  });

  test('reasoning deltas become reasoning_content, role chunk comes first', async () => {
    const got = frames(await encodeToText([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'reasoning-end' },
      { type: 'text-delta', text: 'yes' },
      { type: 'finish', reason: 'stop' },
    ])).slice(0, -1).map((f) => JSON.parse(f));
    expect(got.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { reasoning_content: 'hmm' },
      { content: 'yes' },
      {},
    ]);
    expect(got[0].id).toBe('chatcmpl-x');
    expect(got[3].choices[0].finish_reason).toBe('stop');
  });

  test('error part: one error frame, no [DONE], no finish_reason, source cancelled', async () => {
    let cancelled = false;
    const source = partsStream(
      [
        { type: 'start', id: 'a', model: 'm' },
        { type: 'text-delta', text: 'partial' },
        { type: 'error', error: new GatewayError('GW_UPSTREAM_PROTOCOL', 'upstream dropped', { retryable: true }) },
        { type: 'text-delta', text: 'never' },
      ],
      () => { cancelled = true; },
    );
    const text = await new Response(encodeOpenAIChatStream(source, { id: 'x', model: 'm', streamUsage: true })).text();
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain('finish_reason":"');
    expect(text).not.toContain('never');
    const last = JSON.parse(frames(text).at(-1) ?? '');
    expect(last).toEqual({ error: { message: 'upstream dropped', type: 'api_error', param: null, code: 'GW_UPSTREAM_PROTOCOL' } });
    expect(text.endsWith('\n\n')).toBe(true);
    expect(cancelled).toBe(true);
  });

  test('source ending without finish → protocol error frame', async () => {
    const text = await encodeToText([{ type: 'start', id: 'a', model: 'm' }, { type: 'text-delta', text: 'x' }]);
    expect(text).not.toContain('[DONE]');
    expect(JSON.parse(frames(text).at(-1) ?? '').error.code).toBe('GW_UPSTREAM_PROTOCOL');
  });

  test('source throwing → error frame', async () => {
    const source = new ReadableStream<StreamPart>({
      start(c) {
        c.enqueue({ type: 'text-delta', text: 'x' });
      },
      pull(c) {
        c.error(new GatewayError('GW_UPSTREAM_TIMEOUT', 'idle', { retryable: true }));
      },
    });
    const text = await new Response(encodeOpenAIChatStream(source, { id: 'x', model: 'm', streamUsage: false })).text();
    expect(JSON.parse(frames(text).at(-1) ?? '').error).toMatchObject({ code: 'GW_UPSTREAM_TIMEOUT', type: 'timeout_error' });
  });

  test('client cancel cancels the parts source', async () => {
    let reason: unknown;
    const source = new ReadableStream<StreamPart>({
      pull(c) {
        c.enqueue({ type: 'text-delta', text: 'tick' });
      },
      cancel(r) {
        reason = r;
      },
    });
    const out = encodeOpenAIChatStream(source, { id: 'x', model: 'm', streamUsage: false });
    const reader = out.getReader();
    await reader.read();
    await reader.cancel('gone');
    expect(reason).toBe('gone');
  });

  test('multiple tool calls keep their index', async () => {
    const got = frames(await encodeToText([
      { type: 'tool-call-start', id: 'c1', name: 'a', index: 0 },
      { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-start', id: 'c2', name: 'b', index: 1 },
      { type: 'tool-call-delta', id: 'c2', index: 1, argumentsDelta: '{"x":1}' },
      { type: 'finish', reason: 'tool-calls' },
    ])).slice(0, -1).map((f) => JSON.parse(f).choices[0].delta);
    expect(got[0]).toEqual({ role: 'assistant', tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'a', arguments: '' } }] });
    expect(got[2]).toEqual({ tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'b', arguments: '' } }] });
    expect(got[3]).toEqual({ tool_calls: [{ index: 1, function: { arguments: '{"x":1}' } }] });
  });
});

describe('OpenAI errors', () => {
  test('relayed upstream errors reproduce error-401.json / error-429.json', () => {
    for (const [name, status] of [['error-401.json', 401], ['error-429.json', 429]] as const) {
      const expected = JSON.parse(fixture(name));
      const e = expected.error;
      const err = new GatewayError(status === 429 ? 'GW_RATE_LIMITED' : 'GW_UNAUTHORIZED', e.message, {
        status,
        upstream: { status, type: e.type, code: e.code, message: e.message },
      });
      expect(JSON.stringify(encodeOpenAIErrorBody(err))).toBe(JSON.stringify(expected));
    }
  });

  test("another dialect's error vocabulary (a Gemini status name) never becomes the OpenAI type", () => {
    const err = new GatewayError('GW_RATE_LIMITED', 'Quota exceeded.', { status: 429, upstream: { status: 429, type: 'RESOURCE_EXHAUSTED' } });
    expect(encodeOpenAIErrorBody(err).error.type).toBe('rate_limit_error');
    const anthropic = new GatewayError('GW_UNAVAILABLE', 'Overloaded', { status: 529, upstream: { status: 529, type: 'overloaded_error' } });
    expect(encodeOpenAIErrorBody(anthropic).error.type).toBe('overloaded_error');
  });

  test('gateway errors get the status type and an OpenAI code where one exists', async () => {
    const res = encodeOpenAIError(new GatewayError('GW_RATE_LIMITED', 'slow down', { retryAfterMs: 1500 }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } });
    const bad = encodeOpenAIError(new GatewayError('GW_BAD_REQUEST', 'nope', { param: 'messages[0].role' }));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('retry-after')).toBeNull();
    expect(await bad.json()).toEqual({ error: { message: 'nope', type: 'invalid_request_error', param: 'messages[0].role', code: 'GW_BAD_REQUEST' } });
  });

  test('stream error frame never includes the cause', () => {
    const frame = encodeOpenAIStreamError(new GatewayError('GW_INTERNAL', 'Internal gateway error.', { cause: new Error('secret path /x') }));
    expect(frame.startsWith('data: {"error":')).toBe(true);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(frame).not.toContain('secret');
  });
});
