import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { QuotaConfigSchema, toQuotaRules } from './quota-config.ts';
import { QuotaCounter } from './quota-counter.ts';
import { quotaLine } from './quota-report.ts';

const H = 3_600_000;
const rules = (raw: unknown) => toQuotaRules(v.parse(QuotaConfigSchema, raw));

describe('quota config', () => {
  test('windows, limits and descriptions', () => {
    const [rolling, daily, weekly, monthly] = rules({
      time_zone: 'Europe/Berlin',
      rules: [
        { provider: 'claude', window: '5h', requests: 45 },
        { provider: 'groq', account: 'key-1', window: 'daily', reset_hour: 4, tokens: 1000 },
        { provider: 'x', window: 'weekly', reset_weekday: 'friday', input_tokens: 5, time_zone: 'UTC' },
        { provider: 'y', window: 'monthly', reset_day: 15, output_tokens: 5 },
      ],
    });
    expect(rolling).toMatchObject({ window: { kind: 'rolling', ms: 5 * H }, limits: { requests: 45 }, describe: 'rolling 5h' });
    expect(daily).toMatchObject({ account: 'key-1', window: { kind: 'calendar', spec: { period: 'daily', hour: 4, timeZone: 'Europe/Berlin' } }, describe: 'daily at 04:00 Europe/Berlin' });
    expect(weekly.describe).toBe('weekly on friday at 00:00 UTC');
    expect(weekly.window).toMatchObject({ spec: { weekday: 5 } });
    expect(monthly.describe).toBe('monthly on day 15 at 00:00 Europe/Berlin');
  });

  test('bad rules are refused', () => {
    for (const bad of [
      { provider: 'a', window: '5h' },
      { provider: 'a', window: 'hourly', requests: 1 },
      { provider: 'a', window: 'daily', requests: 1, time_zone: 'Mars/Base' },
      { provider: 'a', window: 'daily', requests: 1, reset_hour: 24 },
    ]) expect(v.safeParse(QuotaConfigSchema, { rules: [bad] }).success).toBe(false);
  });
});

describe('quota counter', () => {
  test('rolling window: exhausted until enough old usage leaves it', () => {
    const [rule] = rules({ rules: [{ provider: 'p', window: '5h', requests: 2, output_tokens: 100 }] });
    const c = new QuotaCounter(rule);
    const t0 = 1_000_000_000;
    c.add(t0, t0, 1, 10, 10);
    expect(c.exhausted(t0)).toBeUndefined();
    c.add(t0 + H, t0 + H, 1, 10, 10);
    expect(c.exhausted(t0 + H)).toBe('requests');
    const reset = c.resetsAt(t0 + H)!;
    expect(reset - t0).toBeGreaterThanOrEqual(5 * H);
    expect(reset - t0).toBeLessThanOrEqual(5 * H + 60_000);
    expect(c.exhausted(reset - 1)).toBe('requests');
    expect(c.exhausted(reset)).toBeUndefined();
    expect(c.used(reset)).toMatchObject({ requests: 1, outputTokens: 10 });
  });

  test('token limits and in-flight requests count', () => {
    const [rule] = rules({ rules: [{ provider: 'p', window: '1h', requests: 3, output_tokens: 50 }] });
    const c = new QuotaCounter(rule);
    c.add(0, 0, 1, 0, 60);
    expect(c.exhausted(10)).toBe('outputTokens');
    const d = new QuotaCounter(rule);
    d.inflight = 3;
    expect(d.exhausted(0)).toBe('requests');
    d.inflight = 2;
    expect(d.exhausted(0)).toBeUndefined();
    expect(quotaLine(d, 'p', undefined, 0)).toMatchObject({ account: null, remaining: { requests: 1, outputTokens: 50 }, inFlight: 2, resetsAt: null });
  });

  test('calendar window resets at the period end and ignores usage before its start', () => {
    const [rule] = rules({ rules: [{ provider: 'p', window: 'daily', reset_hour: 6, requests: 1 }] });
    const c = new QuotaCounter(rule);
    const at = Date.parse('2025-05-01T10:00:00Z');
    c.add(at, Date.parse('2025-05-01T05:00:00Z'), 1, 0, 0); // yesterday's period
    expect(c.exhausted(at)).toBeUndefined();
    c.add(at, at, 1, 0, 0);
    expect(c.exhausted(at)).toBe('requests');
    expect(new Date(c.resetsAt(at)!).toISOString()).toBe('2025-05-02T06:00:00.000Z');
    const line = quotaLine(c, 'p', 'key-1', at);
    expect(line).toMatchObject({ exhausted: true, resetsIn: '20h', remaining: { requests: 0 } });
    expect(c.exhausted(Date.parse('2025-05-02T06:00:00Z'))).toBeUndefined();
  });
});
