import { describe, expect, test } from 'bun:test';
import { isContextOverflow } from './context-overflow.ts';
import { GatewayError } from './gateway-error.ts';

const upstream = (status: number, message: string, extra: { code?: string; type?: string } = {}) =>
  new GatewayError('GW_BAD_REQUEST', message, { status: 400, upstream: { status, message, ...extra } });

describe('isContextOverflow', () => {
  test("each provider's wording of a request too long for the model", () => {
    const overflows = [
      upstream(400, 'Please shorten it.', { code: 'context_length_exceeded' }),
      upstream(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens."),
      upstream(400, 'prompt is too long: 212345 tokens > 200000 maximum', { type: 'invalid_request_error' }),
      upstream(400, 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'),
      upstream(400, 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length'),
      upstream(400, 'Please reduce the length of the messages or completion.'),
      upstream(400, 'the request exceeds the available context size, try increasing it'),
      upstream(413, 'Request too large: too many tokens for this model'),
      upstream(422, 'Input is too long for requested model.'),
    ];
    for (const e of overflows) expect(isContextOverflow(e)).toBe(true);
  });

  test('other client errors, server errors and errors without an upstream are not', () => {
    expect(isContextOverflow(upstream(400, "Invalid value for 'temperature'.", { code: 'invalid_value' }))).toBe(false);
    expect(isContextOverflow(upstream(413, 'Request Entity Too Large'))).toBe(false);
    expect(isContextOverflow(upstream(500, 'maximum context length exceeded while loading'))).toBe(false);
    expect(isContextOverflow(new GatewayError('GW_BAD_REQUEST', 'maximum context length', { status: 400 }))).toBe(false);
  });
});
