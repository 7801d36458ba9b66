import { expect, test } from 'bun:test';
import { reportedCost } from './reported-cost.ts';

test('the cost a usage object reports, in USD: OpenRouter cost, xAI ticks; nothing for junk', () => {
  expect(reportedCost({ cost: 0.0042 })).toBe(0.0042);
  expect(reportedCost({ cost_in_usd_ticks: 37756000 })).toBeCloseTo(0.0037756, 12);
  expect(reportedCost({ cost: 0, cost_in_usd_ticks: 5 })).toBe(0);
  for (const u of [{}, { cost: -1 }, { cost: '0.1' }, { cost: null }, { cost: Infinity }, { cost_in_usd_ticks: -5 }]) expect(reportedCost(u)).toBeUndefined();
});

test('OpenRouter on the user\'s own provider key (BYOK): its fee plus what the provider charged the key', () => {
  expect(reportedCost({ cost: 0.0001, is_byok: true, cost_details: { upstream_inference_cost: 0.002 } })).toBeCloseTo(0.0021, 12);
  // Without BYOK the upstream figure is OpenRouter's own cost, already in `cost`.
  expect(reportedCost({ cost: 0.0021, is_byok: false, cost_details: { upstream_inference_cost: 0.002 } })).toBe(0.0021);
  expect(reportedCost({ cost: 0.0001, is_byok: true, cost_details: { upstream_inference_cost: 'x' } })).toBe(0.0001);
});
