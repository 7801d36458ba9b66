import { expect, test } from 'bun:test';
import { GatewayError } from './gateway-error.ts';
import { encodeOpenAIErrorBody } from './openai-error.ts';

test('a context overflow has OpenAI\'s code whatever the upstream called it; other upstream codes are kept', () => {
  const overflow = new GatewayError('GW_BAD_REQUEST', 'prompt is too long: 250000 tokens > 200000 maximum', {
    status: 400, upstream: { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' },
  });
  expect(encodeOpenAIErrorBody(overflow).error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
  const other = new GatewayError('GW_BAD_REQUEST', 'bad tools', { status: 400, upstream: { status: 400, code: 'invalid_value', message: 'bad tools' } });
  expect(encodeOpenAIErrorBody(other).error.code).toBe('invalid_value');
});
