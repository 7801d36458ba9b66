/**
 * Upstream failures as a Codex session meets them, on each upstream format: HTTP errors before
 * the stream (429 with Retry-After, context overflow, 5xx) become OpenAI error JSON with the
 * right status, and a stream that breaks after it started ends with `response.failed` + `error`
 * (translated) or the upstream's bytes + one `error` event (passthrough). The `openai` SDK must
 * raise its own error classes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { APIError, BadRequestError, RateLimitError } from 'openai';
import { chatSse, codexBody, codexPreamble, MODEL, namedSse, parseSse, postRaw, startCodexGateway, type CodexGateway, type Json, type Scripted } from './codex-kit.ts';
import { responsesEvents } from './responses-frames.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

type Format = keyof typeof MODEL;

/** The upstream's 429 in each wire format, with `retry-after: 7`. */
const RATE_LIMITED: Record<Format, Scripted> = {
  responses: { status: 429, headers: { 'retry-after': '7' }, json: { error: { message: 'Rate limit reached for gpt-5-codex. Please try again in 7s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } },
  chat: { status: 429, headers: { 'retry-after': '7' }, json: { error: { message: 'Rate limit reached for gpt-5-chat. Please try again in 7s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } },
  anthropic: { status: 429, headers: { 'retry-after': '7' }, json: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit.' }, request_id: 'req_011' } },
};

/** The upstream's "does not fit the context window" 400, in each wire format. */
const OVERFLOW: Record<Format, Scripted> = {
  responses: { status: 400, json: { error: { message: 'Your input exceeds the context window of this model. Please adjust your input and try again.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } } },
  chat: { status: 400, json: { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } },
  anthropic: { status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 212345 tokens > 200000 maximum' }, request_id: 'req_012' } },
};

const FORMATS: Format[] = ['responses', 'chat', 'anthropic'];

describe.each(FORMATS)('Codex → %s upstream: HTTP errors before the stream', (format) => {
  test('429 with Retry-After → 429, retry-after kept, code rate_limit_exceeded; the SDK raises RateLimitError', async () => {
    g.up.next(RATE_LIMITED[format]);
    const res = await postRaw(g.gw, codexBody(MODEL[format], codexPreamble('Hi.')));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const body = (await res.json()) as { error: Json };
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(typeof body.error.message).toBe('string');

    g.up.next(RATE_LIMITED[format]);
    const err = await g.client.responses.create(codexBody(MODEL[format], codexPreamble('Hi.')) as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
  });

  test('context overflow → 400 with code context_length_exceeded (what OpenAI clients test for); the SDK raises BadRequestError', async () => {
    g.up.next(OVERFLOW[format]);
    const res = await postRaw(g.gw, codexBody(MODEL[format], codexPreamble('Hi.')));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Json };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });

    g.up.next(OVERFLOW[format]);
    const err = await g.client.responses.create(codexBody(MODEL[format], codexPreamble('Hi.')) as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).code).toBe('context_length_exceeded');
  });

  test('500 → 502 server error JSON; the SDK raises an APIError with that status', async () => {
    g.up.next({ status: 500, json: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } } });
    const err = await g.client.responses.create(codexBody(MODEL[format], codexPreamble('Hi.')) as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
  });
});

/** A stream that started (text went out), then the connection broke. */
const BROKEN: Record<Format, Scripted> = {
  responses: {
    sse: namedSse(responsesEvents({ id: 'resp_cut', model: 'gpt-5-codex', output: [{ id: 'msg_c', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Working on it, step one', annotations: [] }] }], usage: {} }) as Array<{ type: string }>),
    dropAfter: 5,
  },
  chat: {
    sse: chatSse([
      { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta: { role: 'assistant', content: 'Working on it' }, finish_reason: null }] },
      { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta: { content: ', step one' }, finish_reason: null }] },
      { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta: { content: ', step two' }, finish_reason: null }] },
    ]),
    dropAfter: 2,
  },
  anthropic: {
    sse: namedSse([
      { type: 'message_start', message: { id: 'msg_cut', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Working on it, step one' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]),
  },
};

describe.each(FORMATS)('Codex → %s upstream: the stream breaks after it started', (format) => {
  test('the client gets the text so far, then one error; the SDK raises an APIError', async () => {
    g.up.next(BROKEN[format]);
    const res = await postRaw(g.gw, codexBody(MODEL[format], codexPreamble('Hi.')));
    expect(res.status).toBe(200);
    const frames = parseSse(await res.text());
    const types = frames.map((f) => f.data.type);
    expect(types.filter((t) => t === 'error')).toHaveLength(1);
    expect(types.at(-1)).toBe('error');
    expect(types).not.toContain('response.completed');
    const seq = frames.map((f) => f.data.sequence_number);
    expect(seq).toEqual(seq.map((_, i) => i));
    if (format !== 'responses') {
      const failed = frames.find((f) => f.data.type === 'response.failed')?.data.response as Json;
      expect(failed.status).toBe('failed');
      expect((failed.error as Json).code).toBe('server_error');
      const text = frames.filter((f) => f.data.type === 'response.output_text.delta').map((f) => f.data.delta).join('');
      expect(text).toStartWith('Working on it');
    }

    g.up.next(BROKEN[format]);
    const stream = g.client.responses.stream(codexBody(MODEL[format], codexPreamble('Hi.')) as never);
    const err = await stream.finalResponse().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
  });
});
