import { describe, expect, test } from 'bun:test';
import { parseErrorBody, readOpenAIErrorInfo, waitFromMessage } from './upstream-error-body.ts';

test('the wait an error message names, in every unit and combination OpenAI writes', () => {
  expect(waitFromMessage('Rate limit reached. Please try again in 20s.')).toBe(20_000);
  expect(waitFromMessage('Please try again in 1.5s')).toBe(1500);
  expect(waitFromMessage('Please try again in 250ms.')).toBe(250);
  expect(waitFromMessage('Please try again in 1m30s.')).toBe(90_000);
  expect(waitFromMessage('Please try again in 2h5m.')).toBe(7_500_000);
  expect(waitFromMessage('no hint here')).toBeUndefined();
});

describe('readOpenAIErrorInfo', () => {
  test('the envelopes OpenAI-style upstreams answer with', () => {
    expect(readOpenAIErrorInfo({ error: { message: 'Bad', type: 'invalid_request_error', code: 'x', param: 'p' } })).toEqual({ message: 'Bad', type: 'invalid_request_error', code: 'x', param: 'p' });
    expect(readOpenAIErrorInfo({ detail: "The 'gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account." })).toEqual({ message: "The 'gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account." });
    expect(readOpenAIErrorInfo([{ error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } }])).toEqual({ message: 'Invalid JSON payload received.', code: '400' });
    expect(readOpenAIErrorInfo([{ type: 'missing', loc: ['body', 'model'], msg: 'Field required' }])).toEqual({ message: 'model: Field required', param: 'model' });
    expect(readOpenAIErrorInfo({ type: 'error', message: 'flat' })).toEqual({ message: 'flat' });
    expect(readOpenAIErrorInfo('<html>502</html>')).toEqual({});
    expect(readOpenAIErrorInfo([])).toEqual({});
  });
});

test('parseErrorBody: JSON; an error in SSE framing as its event\'s JSON; anything else as the text', () => {
  expect(parseErrorBody('{"error":{"message":"x"}}')).toEqual({ error: { message: 'x' } });
  expect(parseErrorBody('event: error\ndata: {"error":{"code":"tool_use_failed"}}\n\n')).toEqual({ error: { code: 'tool_use_failed' } });
  expect(parseErrorBody('data: {broken\n\n')).toBe('data: {broken\n\n');
  expect(parseErrorBody('Bad Gateway')).toBe('Bad Gateway');
});
