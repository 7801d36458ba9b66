import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { findStatedOutputLimit } from './output-token-limit.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { status, upstream: { status, message } });

describe('findStatedOutputLimit', () => {
  test('the wordings of OpenAI, DeepSeek, Groq and Anthropic, in the field that was sent', () => {
    expect(findStatedOutputLimit(refusal('max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000.'), { max_completion_tokens: 32000 }))
      .toEqual({ field: 'max_completion_tokens', limit: 16384 });
    expect(findStatedOutputLimit(refusal('Invalid max_tokens value, the valid range of max_tokens is [1, 8192]'), { max_tokens: 32000 }))
      .toEqual({ field: 'max_tokens', limit: 8192 });
    expect(findStatedOutputLimit(refusal('`max_tokens` must be less than or equal to `32768`, the maximum value for `max_tokens` is less than the `context_window` for this model', 422), { max_tokens: 64000 }))
      .toEqual({ field: 'max_tokens', limit: 32768 });
    expect(findStatedOutputLimit(refusal('max_tokens: 32000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-20241022'), { max_tokens: 32000 }))
      .toEqual({ field: 'max_tokens', limit: 8192 });
  });

  test('nothing for a context overflow, a limit not below what was sent, another status, or no max tokens in the body', () => {
    expect(findStatedOutputLimit(refusal("This model's maximum context length is 128000 tokens. However, you requested 140000 tokens."), { max_tokens: 132000 })).toBeUndefined();
    expect(findStatedOutputLimit(refusal('This model supports at most 16384 completion tokens'), { max_tokens: 16384 })).toBeUndefined();
    expect(findStatedOutputLimit(refusal('This model supports at most 16384 completion tokens', 429), { max_tokens: 32000 })).toBeUndefined();
    expect(findStatedOutputLimit(refusal('This model supports at most 16384 completion tokens'), {})).toBeUndefined();
    expect(findStatedOutputLimit(new Error('supports at most 16384 completion tokens'), { max_tokens: 32000 })).toBeUndefined();
  });

  test('a pydantic validator\'s wording; the room a vLLM model\'s window leaves beside the prompt, marked as room', () => {
    expect(findStatedOutputLimit(refusal('max_tokens: Input should be less than or equal to 4096', 422), { max_tokens: 32000 })).toEqual({ field: 'max_tokens', limit: 4096 });
    expect(findStatedOutputLimit(refusal("'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 65536 tokens and your request has 34006 input tokens (32000 > 65536 - 34006). (parameter=max_tokens, value=32000)"), { max_tokens: 32000 }))
      .toEqual({ field: 'max_tokens', limit: 31530, room: true });
    expect(findStatedOutputLimit(refusal("This model's maximum context length is 32768 tokens. However, you requested 39615 tokens (7615 in the messages, 32000 in the completion). Please reduce the length of the messages or completion."), { max_tokens: 32000 }))
      .toEqual({ field: 'max_tokens', limit: 25153, room: true });
    // Less room than is worth asking for: a context overflow, as it was.
    expect(findStatedOutputLimit(refusal("This model's maximum context length is 32768 tokens. However, you requested 64000 tokens (32000 in the messages, 32000 in the completion)."), { max_tokens: 32000 })).toBeUndefined();
  });
});
