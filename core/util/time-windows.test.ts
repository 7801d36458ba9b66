import { describe, expect, test } from 'bun:test';
import { calendarPeriod, formatCountdown, isValidTimeZone, parseDuration, zonedParts, zonedTimeToEpoch } from './time-windows.ts';

const iso = (t: number) => new Date(t).toISOString();

describe('time windows', () => {
  test('daily at an hour in UTC and in a zone with an offset', () => {
    const now = Date.parse('2025-03-10T02:30:00Z');
    expect(calendarPeriod(now, { period: 'daily' })).toEqual({ start: Date.parse('2025-03-10T00:00:00Z'), end: Date.parse('2025-03-11T00:00:00Z') });
    const at4 = calendarPeriod(now, { period: 'daily', hour: 4 });
    expect([iso(at4.start), iso(at4.end)]).toEqual(['2025-03-09T04:00:00.000Z', '2025-03-10T04:00:00.000Z']);
    // 02:30Z is 11:30 in Tokyo (UTC+9): the 09:00 reset of today has passed.
    const tokyo = calendarPeriod(now, { period: 'daily', hour: 9, timeZone: 'Asia/Tokyo' });
    expect([iso(tokyo.start), iso(tokyo.end)]).toEqual(['2025-03-10T00:00:00.000Z', '2025-03-11T00:00:00.000Z']);
  });

  test('a DST change makes the day 23 or 25 hours long', () => {
    // Europe/Berlin springs forward on 2025-03-30 and falls back on 2025-10-26.
    const spring = calendarPeriod(Date.parse('2025-03-30T12:00:00Z'), { period: 'daily', timeZone: 'Europe/Berlin' });
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z']);
    const autumn = calendarPeriod(Date.parse('2025-10-26T12:00:00Z'), { period: 'daily', timeZone: 'Europe/Berlin' });
    expect((autumn.end - autumn.start) / 3_600_000).toBe(25);
    // 02:00 does not exist on the spring day: it resolves to 03:00 local (01:00Z).
    expect(iso(zonedTimeToEpoch({ year: 2025, month: 3, day: 30 }, 2, 'Europe/Berlin'))).toBe('2025-03-30T01:00:00.000Z');
  });

  test('a reset hour skipped by DST in a zone west of UTC resolves one hour later, and the period holds now', () => {
    // America/Santiago springs forward at midnight on 2025-09-07 (00:00 -04 becomes 01:00 -03).
    expect(iso(zonedTimeToEpoch({ year: 2025, month: 9, day: 7 }, 0, 'America/Santiago'))).toBe('2025-09-07T04:00:00.000Z');
    // 23:30 on the 6th, local: still the 6th's budget day, which ends when the clock jumps.
    const now = Date.parse('2025-09-07T03:30:00Z');
    const day = calendarPeriod(now, { period: 'daily', timeZone: 'America/Santiago' });
    expect([iso(day.start), iso(day.end)]).toEqual(['2025-09-06T04:00:00.000Z', '2025-09-07T04:00:00.000Z']);
    expect(day.start <= now && now < day.end).toBe(true);
    // Los Angeles skips 02:00 on 2025-03-09: a 02:00 reset happens at 03:00 PDT (10:00Z), not 01:00 PST.
    expect(iso(zonedTimeToEpoch({ year: 2025, month: 3, day: 9 }, 2, 'America/Los_Angeles'))).toBe('2025-03-09T10:00:00.000Z');
    // An hour that occurs twice still resolves to one instant, the same on both sides of it.
    const fall = calendarPeriod(Date.parse('2025-11-02T12:00:00Z'), { period: 'daily', hour: 1, timeZone: 'America/Los_Angeles' });
    const before = calendarPeriod(fall.start - 1, { period: 'daily', hour: 1, timeZone: 'America/Los_Angeles' });
    expect(before.end).toBe(fall.start);
  });

  test('weekly on a weekday and monthly on a clamped day', () => {
    // 2025-03-12 is a Wednesday.
    const wk = calendarPeriod(Date.parse('2025-03-12T10:00:00Z'), { period: 'weekly', weekday: 1 });
    expect([iso(wk.start), iso(wk.end)]).toEqual(['2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z']);
    const sameDayBefore = calendarPeriod(Date.parse('2025-03-10T05:00:00Z'), { period: 'weekly', weekday: 1, hour: 6 });
    expect(iso(sameDayBefore.start)).toBe('2025-03-03T06:00:00.000Z');
    const m = calendarPeriod(Date.parse('2025-02-20T00:00:00Z'), { period: 'monthly', day: 31 });
    expect([iso(m.start), iso(m.end)]).toEqual(['2025-01-31T00:00:00.000Z', '2025-02-28T00:00:00.000Z']);
    const first = calendarPeriod(Date.parse('2025-12-15T00:00:00Z'), { period: 'monthly' });
    expect([iso(first.start), iso(first.end)]).toEqual(['2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  });

  test('zoned parts, durations, countdowns, zone validation', () => {
    expect(zonedParts(Date.parse('2025-03-12T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({ year: 2025, month: 3, day: 13, hour: 8, weekday: 4 });
    expect(parseDuration('5h')).toBe(5 * 3_600_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('5 hours')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(formatCountdown(3 * 3_600_000 + 12 * 60_000 + 5_000)).toBe('3h 12m');
    expect(formatCountdown(0)).toBe('0s');
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
