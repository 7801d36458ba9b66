import { expect, test } from 'bun:test';
import { effortForBudget } from './reasoning-effort.ts';

test('each effort\'s usual budget maps back to it; Claude Code\'s think levels land where expected', () => {
  expect([1024, 4096, 16384].map(effortForBudget)).toEqual(['low', 'medium', 'high']);
  expect([2048, 2049, 8192, 8193].map(effortForBudget)).toEqual(['low', 'medium', 'medium', 'high']);
  expect([4000, 10_000, 31_999].map(effortForBudget)).toEqual(['medium', 'high', 'high']);
});
