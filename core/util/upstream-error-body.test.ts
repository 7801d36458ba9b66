import { expect, test } from 'bun:test';
import { waitFromMessage } from './upstream-error-body.ts';

test('the wait an error message names, in every unit and combination OpenAI writes', () => {
  expect(waitFromMessage('Rate limit reached. Please try again in 20s.')).toBe(20_000);
  expect(waitFromMessage('Please try again in 1.5s')).toBe(1500);
  expect(waitFromMessage('Please try again in 250ms.')).toBe(250);
  expect(waitFromMessage('Please try again in 1m30s.')).toBe(90_000);
  expect(waitFromMessage('Please try again in 2h5m.')).toBe(7_500_000);
  expect(waitFromMessage('no hint here')).toBeUndefined();
});
