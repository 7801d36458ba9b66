import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

// $1000 per 1M tokens: "hello" costs 2 input + 2 output tokens = $0.004 a request.
const yaml = (plugin: string) => `
providers:
  paid: { type: mock, pricing: { echo: { input: 1000, output: 1000 } } }
plugins:
  - budget: ${plugin}
`;

describe('budget (real gateway, costs from the pricing table)', () => {
  test('a daily budget of $0.01 on a key stops requests once spent', async () => {
    t = await startTestGateway(yaml('{}'));
    const { secret, info } = t.gw.keys.createKey({ name: 'tight', limits: { dailyBudgetUsd: 0.01 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(t, chat('paid/echo'), { secret })).status);
    expect(statuses).toEqual([200, 200, 200, 402, 402]);
    expect(t.gw.usage.totals({ keyId: info.id }).costUsd).toBeCloseTo(0.012, 6);

    const denied = await post(t, chat('paid/echo'), { secret });
    expect(denied.status).toBe(402);
    const retryAfter = Number(denied.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const body = (await denied.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'GW_BUDGET_EXCEEDED' });
    expect(body.error.message).toContain('daily budget');

    // The Anthropic dialect gets its own envelope; another key is not affected.
    const anth = await t.fetch('/v1/messages', {
      method: 'POST', headers: { authorization: `Bearer ${secret}`, 'anthropic-version': '2023-06-01' },
      json: { model: 'paid/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] },
    });
    expect(anth.status).toBe(402);
    expect(await anth.json()).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect((await post(t, chat('paid/echo'))).status).toBe(200);
  });

  test('plugin defaults apply to keys without their own budget; remaining budget is reported', async () => {
    t = await startTestGateway(yaml('{ monthly_usd: 0.005 }'));
    const first = await post(t, chat('paid/echo'));
    expect(first.status).toBe(200);
    expect(Number(first.headers.get('x-budget-monthly-remaining-usd'))).toBeCloseTo(0.005, 6);
    const second = await post(t, chat('paid/echo'));
    expect(second.status).toBe(200);
    expect(Number(second.headers.get('x-budget-monthly-remaining-usd'))).toBeCloseTo(0.001, 6);
    const third = await post(t, chat('paid/echo'));
    expect(third.status).toBe(402);
    expect(((await third.json()) as { error: { message: string } }).error.message).toContain('monthly budget');
    const own = t.gw.keys.createKey({ name: 'own', limits: { monthlyBudgetUsd: 1 } }).secret;
    expect((await post(t, chat('paid/echo'), { secret: own })).status).toBe(200);
  });
});
