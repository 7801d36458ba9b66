import { expect, test } from 'bun:test';
import { effortForBudget, fitReasoningEffort, statedEfforts } from './reasoning-effort.ts';
import { GatewayError } from '../errors/gateway-error.ts';

test('each effort\'s usual budget maps back to it; Claude Code\'s think levels land where expected', () => {
  expect([1024, 4096, 16384].map(effortForBudget)).toEqual(['low', 'medium', 'high']);
  expect([2048, 2049, 8192, 8193].map(effortForBudget)).toEqual(['low', 'medium', 'medium', 'high']);
  expect([4000, 10_000, 31_999].map(effortForBudget)).toEqual(['medium', 'high', 'high']);
});

const refusal = (message: string, param?: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { status, param, upstream: { status, message } });

test('the efforts a refusal lists as the model\'s', () => {
  expect(statedEfforts(refusal("Unsupported value: 'reasoning_effort' does not support 'xhigh' with this model. Supported values are: 'low', 'medium', and 'high'.", 'reasoning_effort'))).toEqual(['low', 'medium', 'high']);
  expect(statedEfforts(refusal("Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'.", 'reasoning.effort'))).toEqual(['none', 'low', 'medium', 'high']);
});

test('nothing for other lists, other errors or another status', () => {
  expect(statedEfforts(refusal("Invalid value: 'other'. Supported values are: 'search', 'open_page', and 'find_in_page'.", 'input[33].action.type'))).toBeUndefined();
  expect(statedEfforts(refusal("Unsupported value: 'reasoning_effort' does not support 'xhigh' with this model.", 'reasoning_effort'))).toBeUndefined();
  expect(statedEfforts(refusal("Supported values are: 'low' and 'high'.", 'reasoning_effort', 500))).toBeUndefined();
  expect(statedEfforts(new Error("reasoning_effort: Supported values are: 'low'"))).toBeUndefined();
});

test('fitting an effort: itself, the nearest one up, else the highest; none only when allowed', () => {
  expect(fitReasoningEffort('xhigh', ['low', 'medium', 'high'])).toBe('high');
  expect(fitReasoningEffort('minimal', ['none', 'low', 'medium', 'high'])).toBe('low');
  expect(fitReasoningEffort('none', ['low', 'high'])).toBeUndefined();
  expect(fitReasoningEffort('medium', undefined)).toBe('medium');
});
