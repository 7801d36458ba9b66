import { expect, test } from 'bun:test';
import type { ProviderRuntime } from '../plugin/types.ts';
import { ProviderMemo } from './provider-memo.ts';

test('kept per provider runtime and key; a full provider starts over; another runtime (a reload) knows nothing', () => {
  const a = {} as ProviderRuntime;
  const b = {} as ProviderRuntime;
  const memo = new ProviderMemo<number>(2);
  memo.set(a, 'm1', 1);
  memo.set(a, 'm2', 2);
  memo.set(a, 'm2', 3); // a known key does not count as new
  expect([memo.get(a, 'm1'), memo.get(a, 'm2'), memo.get(b, 'm1')]).toEqual([1, 3, undefined]);
  memo.set(a, 'm3', 4);
  expect([memo.get(a, 'm1'), memo.get(a, 'm2'), memo.get(a, 'm3')]).toEqual([undefined, undefined, 4]);
});
