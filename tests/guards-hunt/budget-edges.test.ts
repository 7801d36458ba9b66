import { afterEach, describe, expect, test } from 'bun:test';
import { calendarPeriod } from '../../core/util/time-windows.ts';
import { createClock } from '../routing/routing-kit.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from '../limits/limits-kit.ts';

/**
 * Budgets at their edges, through a real gateway with costs from the pricing table. The mock
 * provider's echo of "hello" is 2 input + 2 output tokens, so a price of P per 1M tokens on
 * both makes a request cost 4 × P / 1e6.
 */
let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const yaml = (price: number, plugin = '{}') => `
providers:
  paid: { type: mock, pricing: { echo: { input: ${price}, output: ${price} } } }
plugins:
  - budget: ${plugin}
`;

const gemini = (t: TestGateway, secret: string) => t.fetch('/v1beta/models/paid%2Fecho:generateContent', {
  method: 'POST', headers: { authorization: `Bearer ${secret}` }, json: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] },
});

const responses = (t: TestGateway, secret: string) => t.fetch('/v1/responses', {
  method: 'POST', headers: { authorization: `Bearer ${secret}` }, json: { model: 'paid/echo', input: 'hello' },
});

describe('budget edges', () => {
  test('exactly at the cap: three requests of $0.70 spend a $2.10 budget and the fourth is refused', async () => {
    t = await startTestGateway(yaml(175_000));
    const { secret } = t.gw.keys.createKey({ name: 'cap', limits: { dailyBudgetUsd: 2.1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(t, chat('paid/echo'), { secret })).status);
    expect(statuses).toEqual([200, 200, 200, 402, 402]);
  });

  test('both budgets spent: Retry-After names the later reset (the month), when the key works again', async () => {
    t = await startTestGateway(yaml(1000));
    const { secret } = t.gw.keys.createKey({ name: 'both', limits: { dailyBudgetUsd: 0.004, monthlyBudgetUsd: 0.004 } });
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(200);
    const now = Date.now();
    const day = calendarPeriod(now, { period: 'daily' }).end;
    const month = calendarPeriod(now, { period: 'monthly' }).end;
    const res = await post(t, chat('paid/echo'), { secret });
    expect(res.status).toBe(402);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Math.abs(retryAfter - (month - now) / 1000)).toBeLessThan(5);
    if (month !== day) expect(((await res.json()) as { error: { message: string } }).error.message).toContain('monthly budget');
  });

  test('a spent budget is refused in every dialect with 402 and Retry-After', async () => {
    t = await startTestGateway(yaml(1000));
    const { secret } = t.gw.keys.createKey({ name: 'dialects', limits: { dailyBudgetUsd: 0.004 } });
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(200);
    const g = await gemini(t, secret);
    expect(g.status).toBe(402);
    expect(Number(g.headers.get('retry-after'))).toBeGreaterThan(0);
    const gb = (await g.json()) as { error: { code: number; status: string; details?: Array<{ retryDelay?: string }> } };
    expect(gb.error.code).toBe(402);
    expect(gb.error.details?.[0]?.retryDelay).toBe(`${g.headers.get('retry-after')}s`);
    const r = await responses(t, secret);
    expect(r.status).toBe(402);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await r.json()).toMatchObject({ error: { type: 'insufficient_quota', code: 'GW_BUDGET_EXCEEDED' } });
  });

  test('a streamed request counts as soon as its stream has ended', async () => {
    t = await startTestGateway(yaml(1000));
    const { secret } = t.gw.keys.createKey({ name: 'stream', limits: { dailyBudgetUsd: 0.004 } });
    const s = await post(t, chat('paid/echo', 'hello', { stream: true, stream_options: { include_usage: true } }), { secret });
    expect(s.status).toBe(200);
    expect(await s.text()).toContain('[DONE]');
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(402);
  });

  test('the day rolls over at the reset hour: the key works again when Retry-After said', async () => {
    const clock = createClock();
    t = await startTestGateway(yaml(1000, '{ reset_hour: 4, time_zone: Europe/Berlin }'), { now: clock.now });
    const { secret } = t.gw.keys.createKey({ name: 'roll', limits: { dailyBudgetUsd: 0.004 } });
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(200);
    const refused = await post(t, chat('paid/echo'), { secret });
    expect(refused.status).toBe(402);
    const wait = Number(refused.headers.get('retry-after'));
    const end = calendarPeriod(clock.now(), { period: 'daily', hour: 4, timeZone: 'Europe/Berlin' }).end;
    expect(Math.abs(wait - (end - clock.now()) / 1000)).toBeLessThan(5);
    clock.advance(wait * 1000 - 10_000);
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(402);
    clock.advance(10_000);
    expect((await post(t, chat('paid/echo'), { secret })).status).toBe(200);
  });
});
