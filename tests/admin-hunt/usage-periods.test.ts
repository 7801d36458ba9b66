/**
 * A row of `GET /api/usage/totals` is labelled with a day or a month, so it must hold that whole
 * day or month. Without `from` (the dashboard never sends one) the range began exactly 31 days or
 * 366 days before now, at the current time of day: the oldest row, labelled as a full day or a
 * full month, held only its last hours or days.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { UsageRow } from '../../core/db/usage-repo.ts';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

/** The gateway's clock: 2026-03-15 12:00 UTC. */
const NOW = Date.UTC(2026, 2, 15, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let t: AdminGateway;
const times: number[] = [];

function row(ts: number, n: number): UsageRow {
  return {
    requestId: `req_period_${n}`, ts, keyId: null, dialect: 'openai-chat', operation: 'chat', modelRequested: 'mock/echo',
    provider: 'mock', account: null, upstreamModel: 'echo', status: 'ok', httpStatus: 200, inputTokens: 10, outputTokens: 5,
    cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0.25, latencyMs: 10, attempts: 1, stream: false, cached: false,
  };
}

beforeAll(async () => {
  t = await startAdminGateway(undefined, { now: () => NOW });
  // Every six hours for 400 days back: each day and month has rows at its start and its end.
  for (let ts = NOW - 400 * DAY; ts < NOW; ts += 6 * HOUR) times.push(ts + 1);
  times.forEach((ts, n) => t.gw.usage.record(row(ts, n)));
  t.gw.usage.flush();
});
afterAll(() => t.stop());

/** The label of `ts` in a time zone `tzOffsetMin` minutes east of UTC. */
const label = (ts: number, period: 'day' | 'month', tzOffsetMin: number) =>
  new Date(ts + tzOffsetMin * 60_000).toISOString().slice(0, period === 'day' ? 10 : 7);

describe('default ranges of the totals start at a period boundary', () => {
  for (const tz of [0, -180, 330]) {
    for (const period of ['day', 'month'] as const) {
      test(`${period} rows hold their whole ${period} (tzOffsetMin=${tz})`, async () => {
        const res = await t.admin(`/api/usage/totals?period=${period}&tzOffsetMin=${tz}`);
        expect(res.status).toBe(200);
        const body = await res.json() as { from: number; to: number; rows: Array<{ period: string; requests: number }> };
        const expected = new Map<string, number>();
        for (const ts of times) expected.set(label(ts, period, tz), (expected.get(label(ts, period, tz)) ?? 0) + 1);
        const wrong = body.rows.filter((r) => r.requests !== expected.get(r.period)).map((r) => `${r.period}: ${r.requests} of ${expected.get(r.period)}`);
        expect(wrong).toEqual([]);
        // The range still covers what it did: the last 31 days or 13 months, today's included.
        expect(body.rows.length).toBe(period === 'day' ? 31 : 13);
        expect(body.rows.at(-1)!.period).toBe(label(NOW, period, tz));
        expect(label(body.from, period, tz)).toBe(body.rows[0]!.period);
        expect(new Date(body.from + tz * 60_000).toISOString().slice(11)).toBe('00:00:00.000Z');
      });
    }
  }

  test('a range the caller gives is kept as it is', async () => {
    const from = NOW - 2 * DAY - 5 * HOUR;
    const body = await (await t.admin(`/api/usage/totals?period=day&from=${from}&to=${NOW}`)).json() as { from: number; to: number };
    expect([body.from, body.to]).toEqual([from, NOW]);
  });
});
