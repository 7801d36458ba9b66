import { describe, expect, test } from 'bun:test';
import { mapKimiUsage } from './map-kimi-usage.ts';

describe('mapKimiUsage', () => {
  test('weekly usage and rolling limits, counts as strings, used from remaining when absent', () => {
    expect(mapKimiUsage({
      user: { membershipLevel: 'LEVEL_INTERMEDIATE' },
      usage: { limit: '100', used: '26', remaining: '74', resetTime: '2030-02-11T00:00:00Z' },
      limits: [
        { window: { duration: 300, timeUnit: 'TIME_UNIT_MINUTE' }, detail: { limit: '30', remaining: '27', resetTime: '2030-02-04T12:00:00.5Z' } },
        { window: { duration: 1, timeUnit: 'TIME_UNIT_DAY' }, detail: { limit: 8, used: 8 } },
        { window: { duration: 90, timeUnit: 'TIME_UNIT_MINUTE' }, detail: { limit: '3', used: '1' } },
      ],
    })).toEqual([
      { name: '7d', usedPercent: 26, windowMinutes: 10_080, resetsAt: Date.parse('2030-02-11T00:00:00Z') },
      { name: '5h', usedPercent: 10, windowMinutes: 300, resetsAt: Date.parse('2030-02-04T12:00:00.5Z') },
      { name: '1d', usedPercent: 100, windowMinutes: 1440 },
      { name: '90m', usedPercent: 33.33, windowMinutes: 90 },
    ]);
  });

  test('unreadable entries are left out, never guessed', () => {
    expect(mapKimiUsage(null)).toEqual([]);
    expect(mapKimiUsage({ usage: { limit: '0', used: '0' }, limits: 'x' })).toEqual([]);
    expect(mapKimiUsage({ limits: [null, { detail: { limit: 'n/a' } }, { window: { timeUnit: 'TIME_UNIT_FORTNIGHT', duration: 1 }, detail: { limit: '4', used: '1' } }] }))
      .toEqual([{ name: 'limit', usedPercent: 25 }]);
  });
});
