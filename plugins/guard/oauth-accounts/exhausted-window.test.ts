import { describe, expect, test } from 'bun:test';
import { exhaustedWindow } from './exhausted-window.ts';

describe('exhaustedWindow', () => {
  test('blocks only for a used-up, non-advisory window whose reset is still ahead; the latest reset wins', () => {
    const now = 1000;
    expect(exhaustedWindow([{ name: '5h', usedPercent: 99.9, resetsAt: 5000 }], now)).toBeUndefined();
    expect(exhaustedWindow([{ name: '5h', usedPercent: 100, resetsAt: 900 }], now)).toBeUndefined();
    expect(exhaustedWindow([{ name: '5h', usedPercent: 100 }], now)).toBeUndefined();
    expect(exhaustedWindow([{ name: 'premium', usedPercent: 100, resetsAt: 5000, advisory: true }], now)).toBeUndefined();
    const w = exhaustedWindow([{ name: '5h', usedPercent: 100, resetsAt: 5000 }, { name: '7d', usedPercent: 120, resetsAt: 90_000 }], now);
    expect(w?.name).toBe('7d');
    expect(exhaustedWindow([{ name: '5h', usedPercent: 90, resetsAt: 5000 }], now, 90)?.name).toBe('5h');
    const perModel = [{ name: 'gemini-2.5-pro', usedPercent: 100, resetsAt: 5000, model: 'gemini-2.5-pro' }];
    expect(exhaustedWindow(perModel, now, 100, 'gemini-2.5-pro')?.name).toBe('gemini-2.5-pro');
    expect(exhaustedWindow(perModel, now, 100, 'gemini-2.5-flash')).toBeUndefined();
  });

  test('a reset further away than the window is long is garbled and never blocks', () => {
    const now = 1_000_000;
    expect(exhaustedWindow([{ name: '5h', usedPercent: 100, windowMinutes: 300, resetsAt: now + 300 * 60_000 }], now)?.name).toBe('5h');
    expect(exhaustedWindow([{ name: '5h', usedPercent: 100, windowMinutes: 300, resetsAt: now + 300 * 60_000 + 1 }], now)).toBeUndefined();
    expect(exhaustedWindow([{ name: '5h', usedPercent: 100, windowMinutes: 300, resetsAt: (now + 3600_000) * 1000 }], now)).toBeUndefined();
  });
});
