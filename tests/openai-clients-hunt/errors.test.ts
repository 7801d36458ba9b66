import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startHunt, UPSTREAMS, type Hunt, type UpstreamKind } from './hunt-kit.ts';

/**
 * Upstream failures as coding clients act on them: a prompt too long for the model is how Cline,
 * Roo Code and Continue know to condense the conversation (they test `code:
 * context_length_exceeded` or the OpenAI wording on a 400), a 429 carries the wait, and a
 * stream that breaks after content ends with one error the SDK raises, never a finish_reason.
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());
afterEach(() => h.gemini.configure({ status: undefined, errorMessage: undefined, retryAfter: undefined, streamErrorAfterChunks: undefined, failTimes: undefined }));

/** The next request to `up` fails with `status` and this message. */
function failNext(up: UpstreamKind, status: number, message: string, retryAfter?: string): void {
  const headers = retryAfter ? { 'retry-after': retryAfter } : undefined;
  if (up === 'anthropic') {
    h.claude.script([{ status, headers, body: { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', message } } }]);
  } else if (up === 'responses') {
    h.responses.script([{ status, headers, body: { error: { message, type: 'invalid_request_error', param: null, code: status === 400 ? 'context_length_exceeded' : 'rate_limit_exceeded' } } }]);
  } else {
    h.gemini.configure({ status, errorMessage: message, retryAfter, failTimes: 1 });
  }
}

const TOO_LONG: Record<UpstreamKind, string> = {
  anthropic: 'prompt is too long: 212345 tokens > 200000 maximum',
  gemini: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
  responses: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
};

async function errorOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe.each(UPSTREAMS)('errors from %s', (up) => {
  test('a prompt too long for the model: 400 context_length_exceeded, streamed or not', async () => {
    for (const stream of [false, true]) {
      failNext(up, 400, TOO_LONG[up]);
      const err = await errorOf(h.client.chat.completions.create({ model: h.model(up), stream, stream_options: stream ? { include_usage: true } : undefined, messages: [{ role: 'user', content: 'hi' }] }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
      expect(err.message).toContain(TOO_LONG[up].slice(0, 20));
    }
  });

  test('a rate limit: 429 in the OpenAI shape with the wait in retry-after', async () => {
    failNext(up, 429, 'Too many requests, slow down.', '7');
    const err = await errorOf(h.client.chat.completions.create({ model: h.model(up), stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('7');
    expect(Object.keys(err.error as object).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  test('a stream that breaks after content: the SDK raises, no finish_reason was sent', async () => {
    if (up === 'anthropic') h.claude.script([{ streamErrorAfterEvents: 4 }]);
    else if (up === 'responses') h.responses.script([{ streamErrorAfterEvents: 5 }]);
    else h.gemini.configure({ streamErrorAfterChunks: 1, failTimes: 1 });
    const chunks: ChatCompletionChunk[] = [];
    const stream = await h.client.chat.completions.create({
      model: h.model(up), stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'alpha beta gamma delta epsilon zeta eta theta' }],
    });
    const err = await (async () => {
      for await (const c of stream) chunks.push(c);
    })().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(chunks.some((c) => (c.choices[0]?.delta.content ?? '') !== '')).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });
});
