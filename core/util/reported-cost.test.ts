import { expect, test } from 'bun:test';
import { reportedCost } from './reported-cost.ts';

test('the cost a usage object reports, in USD: OpenRouter cost, xAI ticks; nothing for junk', () => {
  expect(reportedCost({ cost: 0.0042 })).toBe(0.0042);
  expect(reportedCost({ cost_in_usd_ticks: 37756000 })).toBeCloseTo(0.0037756, 12);
  expect(reportedCost({ cost: 0, cost_in_usd_ticks: 5 })).toBe(0);
  for (const u of [{}, { cost: -1 }, { cost: '0.1' }, { cost: null }, { cost: Infinity }, { cost_in_usd_ticks: -5 }]) expect(reportedCost(u)).toBeUndefined();
});
