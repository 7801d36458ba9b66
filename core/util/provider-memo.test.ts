import { expect, test } from 'bun:test';
import type { ProviderRuntime } from '../plugin/types.ts';
import { ProviderMemo, stableProvider } from './provider-memo.ts';

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

test('stableProvider: one dressed object per runtime while its dressing is the same, so a delegate\'s lessons outlive the attempt', () => {
  const runtime = { name: 'cx', baseUrl: '', models: ['m'], quirks: {} } as unknown as ProviderRuntime;
  const dress = (url: string) => ({ ...runtime, baseUrl: url, auth: { header: 'authorization', scheme: 'Bearer' } }) as unknown as ProviderRuntime;
  const first = stableProvider(runtime, dress('https://a.example/v1'));
  expect(stableProvider(runtime, dress('https://a.example/v1'))).toBe(first);
  const memo = new ProviderMemo<string>();
  memo.set(stableProvider(runtime, dress('https://a.example/v1')), 'm', 'learned');
  expect(memo.get(stableProvider(runtime, dress('https://a.example/v1')), 'm')).toBe('learned');
  // Another dressing (a subscription's endpoint moved) or another runtime (a reload) starts over.
  const moved = stableProvider(runtime, dress('https://b.example/v1'));
  expect(moved).not.toBe(first);
  expect(moved.baseUrl).toBe('https://b.example/v1');
  const reloaded = { ...runtime } as ProviderRuntime;
  expect(stableProvider(reloaded, dress('https://b.example/v1'))).not.toBe(moved);
});
