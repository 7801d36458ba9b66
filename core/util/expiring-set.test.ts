import { describe, expect, test } from 'bun:test';
import { createExpiringSet } from './expiring-set.ts';

describe('createExpiringSet', () => {
  test('a key is there for ttlMs, then gone; adding it again renews it', () => {
    let t = 0;
    const s = createExpiringSet({ ttlMs: 100, max: 10, now: () => t });
    expect(s.has('a')).toBe(false);
    s.add('a');
    t = 99;
    expect(s.has('a')).toBe(true);
    t = 100;
    expect(s.has('a')).toBe(false);
    s.add('a');
    t = 150;
    expect(s.has('a')).toBe(true);
  });

  test('past max keys the oldest added goes first', () => {
    const s = createExpiringSet({ ttlMs: 1000, max: 2, now: () => 0 });
    s.add('a');
    s.add('b');
    s.add('a'); // renewed: now the newest
    s.add('c');
    expect([s.has('a'), s.has('b'), s.has('c')]).toEqual([true, false, true]);
  });
});
