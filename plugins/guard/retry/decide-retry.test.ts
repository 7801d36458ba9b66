import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { decideRetry, type RetryInput } from './decide-retry.ts';
import { RetryBudget } from './retry-budget.ts';
import { RetryConfigSchema } from './retry-config.ts';
import { sleepAbortable } from './sleep-abortable.ts';

const cfg = v.parse(RetryConfigSchema, {});
const input = (over: Partial<RetryInput> = {}): RetryInput => ({ retries: 0, now: 1000, aborted: false, random: 0.5, ...over });
const up = (status: number, retryAfterMs?: number) =>
  new GatewayError('GW_UPSTREAM_ERROR', 'x', { status: status >= 500 ? 502 : status, retryable: true, upstream: { status }, retryAfterMs });

describe('decideRetry', () => {
  test('defaults', () => {
    expect(cfg).toEqual({ maxRetries: 1, baseMs: 200, capMs: 2000, maxRetryAfterMs: 2000, budgetRatio: 0.2, budgetMin: 1 });
    expect(v.parse(RetryConfigSchema, { max_retries: 3, cap_ms: 50 })).toMatchObject({ maxRetries: 3, capMs: 50 });
  });

  test('full jitter: delay in [0, min(cap, base × 2^n))', () => {
    const c = { ...cfg, maxRetries: 10 };
    expect(decideRetry(up(503), c, input({ random: 0 }))).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry(up(503), c, input({ random: 0.5 }))).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(up(503), c, input({ random: 0.5, retries: 2 }))).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(up(503), c, input({ random: 0.999, retries: 8 }))).toEqual({ retry: true, delayMs: 1998 });
  });

  test('retries 5xx, 408, 429 and transport errors; not other 4xx', () => {
    for (const s of [500, 502, 503, 504, 408, 429]) expect(decideRetry(up(s), cfg, input()).retry).toBe(true);
    expect(decideRetry(new GatewayError('GW_UPSTREAM_CONNECT', 'x', { retryable: true }), cfg, input()).retry).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(decideRetry(up(s), cfg, input()).retry).toBe(false);
  });

  test('never retries guard skips, aborts, non-retryable errors or beyond maxRetries', () => {
    expect(decideRetry(new GatewayError('GW_UNAVAILABLE', 'open', { status: 503, retryable: true }), cfg, input()).retry).toBe(false);
    expect(decideRetry(new GatewayError('GW_RATE_LIMITED', 'local limit', { retryable: true, retryAfterMs: 100 }), cfg, input()).retry).toBe(false);
    expect(decideRetry(new GatewayError('GW_QUOTA_EXHAUSTED', 'quota', { retryable: true }), cfg, input()).retry).toBe(false);
    expect(decideRetry(new GatewayError('GW_UPSTREAM_TIMEOUT', 'slow', { retryable: true }), cfg, input()).retry).toBe(true);
    expect(decideRetry(up(503), cfg, input({ aborted: true })).retry).toBe(false);
    expect(decideRetry(new GatewayError('GW_UPSTREAM_ERROR', 'x', { status: 502, retryable: false }), cfg, input()).retry).toBe(false);
    expect(decideRetry(up(503), cfg, input({ retries: 1 })).retry).toBe(false);
  });

  test('Retry-After honoured up to the cap; longer falls back', () => {
    expect(decideRetry(up(429, 1500), cfg, input())).toEqual({ retry: true, delayMs: 1500 });
    expect(decideRetry(up(429, 2001), cfg, input())).toEqual({ retry: false, reason: 'wait hint too long' });
    expect(decideRetry(up(429, 30_000), cfg, input())).toEqual({ retry: false, reason: 'wait hint too long' });
  });

  test('never sleeps past the deadline', () => {
    expect(decideRetry(up(429, 1500), cfg, input({ now: 1000, deadline: 2400 }))).toEqual({ retry: false, reason: 'deadline' });
    expect(decideRetry(up(429, 1500), cfg, input({ now: 1000, deadline: 2600 })).retry).toBe(true);
  });
});

describe('retry budget', () => {
  test('at most 20 % of in-flight attempts retry at once, at least one', () => {
    const b = new RetryBudget(0.2, 1);
    b.enter();
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.release();
    for (let i = 0; i < 19; i++) b.enter();
    let granted = 0;
    for (let i = 0; i < 20; i++) if (b.tryAcquire()) granted++;
    expect(granted).toBe(4);
  });
});

describe('sleepAbortable', () => {
  test('an abort ends the sleep at once with the reason', async () => {
    const ctl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctl.abort(new Error('gone')), 20);
    const err = await sleepAbortable(5000, ctl.signal).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe('gone');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
