import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import type { AccountRuntime } from '../../../core/plugin/types.ts';
import { KeyLimiter } from './key-limiter.ts';
import { RateLimitConfigSchema, resolveTargetLimits } from './rate-limit-config.ts';
import { SlidingLog } from './sliding-log.ts';
import { SlotUnavailable, TargetLimiter } from './target-limiter.ts';

describe('sliding log', () => {
  test('counts within the window and says when a slot frees', () => {
    const log = new SlidingLog(1000);
    log.add(0);
    log.add(100);
    log.add(200, 5);
    log.prune(500);
    expect([log.count, log.sum]).toEqual([3, 7]);
    expect(log.waitUntilCountBelow(500, 3)).toBe(500); // the entry at t=0 leaves at 1000
    expect(log.waitUntilCountBelow(500, 2)).toBe(600);
    expect(log.waitUntilCountBelow(500, 4)).toBe(0);
    expect(log.waitUntilSumBelow(500, 6)).toBe(600);
    expect(log.waitUntilSumBelow(500, 3)).toBe(700); // only when the weight-5 entry leaves
    log.prune(1000);
    expect([log.count, log.sum]).toEqual([2, 6]);
  });

  test('a corrected weight counts; an expired entry is not corrected', () => {
    const log = new SlidingLog(1000);
    const a = log.add(0, 10);
    log.adjust(a, 3);
    log.prune(10);
    expect(log.sum).toBe(3);
    log.prune(1000);
    log.adjust(a, 50);
    expect(log.sum).toBe(0);
  });
});

describe('target limiter', () => {
  test('rpm admits exactly the limit of a synchronous burst', async () => {
    const lim = new TargetLimiter(Date.now);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => lim.acquire({ rpm: 60 }, 0)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(60);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(SlotUnavailable);
    expect(rejected.reason.retryAfterMs).toBeGreaterThan(59_000);
  });

  test('max concurrent queues FIFO and serves waiters on release', async () => {
    const lim = new TargetLimiter(Date.now);
    const first = await lim.acquire({ maxConcurrent: 1 }, 1000);
    const order: number[] = [];
    const a = lim.acquire({ maxConcurrent: 1 }, 1000).then((rel) => (order.push(1), rel));
    const b = lim.acquire({ maxConcurrent: 1 }, 1000).then((rel) => (order.push(2), rel));
    expect(lim.stats()).toMatchObject({ active: 1, queued: 2 });
    first();
    (await a)();
    (await b)();
    expect(order).toEqual([1, 2]);
    expect(lim.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  test('a bounded wait expires with 429 data; an abort leaves the queue', async () => {
    const lim = new TargetLimiter(Date.now);
    const held = await lim.acquire({ maxConcurrent: 1 }, 0);
    const t0 = performance.now();
    const err = await lim.acquire({ maxConcurrent: 1 }, 80).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(70);
    expect(err).toBeInstanceOf(SlotUnavailable);
    expect((err as SlotUnavailable).retryAfterMs).toBe(1000);
    const ctl = new AbortController();
    const p = lim.acquire({ maxConcurrent: 1 }, 5000, ctl.signal);
    ctl.abort(new Error('gone'));
    expect(((await p.catch((e: unknown) => e)) as Error).message).toBe('gone');
    expect(lim.stats().queued).toBe(0);
    held();
    held(); // idempotent
    expect(lim.stats().active).toBe(0);
  });

  test('minimum gap spaces starts out', async () => {
    const lim = new TargetLimiter(Date.now);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 3 }, async () => {
      const rel = await lim.acquire({ minGapMs: 40 }, 1000);
      starts.push(performance.now());
      rel();
    }));
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(35);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(35);
    // A wait longer than allowed fails at once.
    const fresh = new TargetLimiter(Date.now);
    await fresh.acquire({ minGapMs: 10_000 }, 0).then((r) => r());
    const t0 = performance.now();
    expect(await fresh.acquire({ minGapMs: 10_000 }, 500).catch((e: unknown) => e)).toBeInstanceOf(SlotUnavailable);
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('key limiter', () => {
  test('rpm and tpm with reservations corrected by real usage', () => {
    const k = new KeyLimiter();
    const a = k.admit(0, { rpm: 2, tpm: 100 }, 30);
    expect([a.waitMs, a.remainingRequests, a.remainingTokens]).toEqual([0, 1, 70]);
    k.settle(a.tokens!, 95);
    const b = k.admit(10, { rpm: 2, tpm: 100 }, 30);
    expect(b.waitMs).toBe(0);
    const c = k.admit(20, { rpm: 2, tpm: 100 }, 1);
    expect(c.waitMs).toBe(59_980);
    const tokensOnly = new KeyLimiter();
    const t = tokensOnly.admit(0, { tpm: 10 }, 5);
    tokensOnly.settle(t.tokens!, 10);
    expect(tokensOnly.admit(1000, { tpm: 10 }, 5).waitMs).toBe(59_000);
  });
});

describe('rate-limit config', () => {
  test('provider < account limits in YAML < plugin per-account override', () => {
    const cfg = v.parse(RateLimitConfigSchema, {
      providers: { groq: { rpm: 30, max_concurrent: 2, accounts: { b: { rpm: 5 } } } },
    });
    const acct = (id: string, limits?: Record<string, unknown>): AccountRuntime => ({ id, label: id, priority: 0, weight: 1, limits });
    expect(resolveTargetLimits(cfg, 'groq', acct('a'))).toEqual({ rpm: 30, maxConcurrent: 2 });
    expect(resolveTargetLimits(cfg, 'groq', acct('a', { rpm: 10, min_gap_ms: 100 }))).toEqual({ rpm: 10, maxConcurrent: 2, minGapMs: 100 });
    expect(resolveTargetLimits(cfg, 'groq', acct('b', { rpm: 10 }))).toEqual({ rpm: 5, maxConcurrent: 2 });
    expect(resolveTargetLimits(cfg, 'other', acct('a'))).toBeUndefined();
    expect(resolveTargetLimits(cfg, 'other', acct('a', { max_concurrent: 1 }))).toEqual({ maxConcurrent: 1 });
    expect(cfg.max_wait_ms).toBe(2000);
    expect(v.safeParse(RateLimitConfigSchema, { providers: { x: { rpm: 0 } } }).success).toBe(false);
  });
});
