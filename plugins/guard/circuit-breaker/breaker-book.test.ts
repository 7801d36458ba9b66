import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { BreakerBook, type BreakerState } from './breaker-book.ts';
import { BreakerConfigSchema } from './breaker-config.ts';
import { classifyBreakerOutcome } from './classify-breaker-outcome.ts';

function setup(over: Record<string, unknown> = {}) {
  const cfg = v.parse(BreakerConfigSchema, { baseOpenMs: 1000, jitter: 0, ...over });
  let now = 1_000_000;
  const changes: Array<[string, BreakerState, BreakerState]> = [];
  const book = new BreakerBook(cfg, () => now, (b, from, to) => changes.push([b.account ?? b.provider, from, to]));
  return { book, changes, advance: (ms: number) => (now += ms), cfg };
}

const upstream = (status: number) => new GatewayError('GW_UPSTREAM_ERROR', 'x', { status: 502, retryable: true, upstream: { status } });

describe('breaker state machine', () => {
  test('opens after exactly N consecutive failures; a success resets the count', () => {
    const { book, changes } = setup();
    const bs = book.breakersFor('p');
    for (let i = 0; i < 4; i++) book.record(bs, [], 'failure');
    book.record(bs, [], 'success');
    for (let i = 0; i < 4; i++) book.record(bs, [], 'failure');
    expect(bs[0].state).toBe('closed');
    book.record(bs, [], 'failure');
    expect(bs[0].state).toBe('open');
    expect(changes).toEqual([['p', 'closed', 'open']]);
  });

  test('neutral outcomes neither count nor reset', () => {
    const { book } = setup({ failures: 2 });
    const bs = book.breakersFor('p');
    book.record(bs, [], 'failure');
    book.record(bs, [], 'neutral');
    book.record(bs, [], 'failure');
    expect(bs[0].state).toBe('open');
  });

  test('failures of attempts that started before it opened do not reopen or extend it', () => {
    const { book, changes } = setup({ failures: 2 });
    const bs = book.breakersFor('p');
    for (let i = 0; i < 10; i++) book.record(bs, [], 'failure');
    expect(changes.length).toBe(1);
    expect(bs[0].opens).toBe(1);
  });

  test('open refuses until openUntil, then exactly one probe; concurrent attempts refused', () => {
    const { book, advance, changes } = setup({ failures: 1 });
    const bs = book.breakersFor('p');
    book.record(bs, [], 'failure');
    const refused = book.admit(bs);
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBe(1000);
    advance(1000);
    const probe = book.admit(bs);
    expect(probe.ok).toBe(true);
    expect(probe.probes).toEqual(bs);
    expect(book.admit(bs).ok).toBe(false);
    expect(book.admit(bs).ok).toBe(false);
    book.record(bs, probe.probes, 'success');
    expect(bs[0].state).toBe('closed');
    expect(book.admit(bs).ok).toBe(true);
    expect(changes.map((c) => c[2])).toEqual(['open', 'half-open', 'closed']);
  });

  test('a failed probe reopens for longer: base × n, capped', () => {
    const { book, advance } = setup({ failures: 1, maxOpenMs: 2500 });
    const bs = book.breakersFor('p');
    book.record(bs, [], 'failure');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(book.admit(bs).retryAfterMs!);
      advance(10_000);
      const probe = book.admit(bs);
      book.record(bs, probe.probes, 'failure');
    }
    expect(waits).toEqual([1000, 2000, 2500, 2500]);
  });

  test('a probe that ends neutral frees the slot for the next probe', () => {
    const { book, advance } = setup({ failures: 1 });
    const bs = book.breakersFor('p');
    book.record(bs, [], 'failure');
    advance(1000);
    const probe = book.admit(bs);
    book.record(bs, probe.probes, 'neutral');
    expect(bs[0].state).toBe('half-open');
    expect(book.admit(bs).ok).toBe(true);
  });

  test('failure rate over the window opens it', () => {
    const { book } = setup({ failures: 100, minRequests: 10, failureRate: 0.5 });
    const bs = book.breakersFor('p');
    for (let i = 0; i < 9; i++) book.record(bs, [], i % 2 === 0 ? 'failure' : 'success');
    expect(bs[0].state).toBe('closed');
    book.record(bs, [], 'failure');
    expect(bs[0].state).toBe('open');
  });

  test('provider and account breakers: an open account breaker blocks only that account', () => {
    const { book } = setup({ failures: 1 });
    const a = book.breakersFor('p', 'a');
    const b = book.breakersFor('p', 'b');
    book.record([a[1]], [], 'failure');
    expect(book.admit(a).ok).toBe(false);
    expect(book.admit(b).ok).toBe(true);
  });

  test('jitter keeps the open time within ± jitter', () => {
    const cfg = v.parse(BreakerConfigSchema, { baseOpenMs: 1000, jitter: 0.2 });
    const lo = new BreakerBook(cfg, () => 0, () => undefined, () => 0).openMs(1);
    const hi = new BreakerBook(cfg, () => 0, () => undefined, () => 0.999999).openMs(1);
    expect(lo).toBe(800);
    expect(hi).toBe(1200);
  });

  test('config: defaults, snake_case and reset_ms', () => {
    expect(v.parse(BreakerConfigSchema, {})).toEqual({
      failures: 5, windowMs: 60_000, failureRate: 0.5, minRequests: 20, baseOpenMs: 30_000, maxOpenMs: 300_000, jitter: 0.1,
    });
    const c = v.parse(BreakerConfigSchema, { base_open_ms: 100, min_requests: 3, reset_ms: 7 });
    expect([c.baseOpenMs, c.minRequests]).toEqual([100, 3]);
    expect(v.parse(BreakerConfigSchema, { reset_ms: 7 }).baseOpenMs).toBe(7);
    expect(v.safeParse(BreakerConfigSchema, { failures: 0 }).success).toBe(false);
  });
});

describe('what trips a breaker', () => {
  test('connect errors, timeouts, truncated streams, 408 and 5xx', () => {
    expect(classifyBreakerOutcome(new GatewayError('GW_UPSTREAM_CONNECT', 'x', { retryable: true }), false)).toBe('failure');
    expect(classifyBreakerOutcome(new GatewayError('GW_UPSTREAM_TIMEOUT', 'x', { retryable: true }), false)).toBe('failure');
    expect(classifyBreakerOutcome(new GatewayError('GW_UPSTREAM_PROTOCOL', 'x', { retryable: true }), false)).toBe('failure');
    for (const s of [408, 500, 502, 503, 504, 529]) expect(classifyBreakerOutcome(upstream(s), false)).toBe('failure');
  });

  test('never 4xx, 429, aborts, guard skips or internal errors', () => {
    for (const s of [400, 401, 403, 404, 409, 422, 429]) expect(classifyBreakerOutcome(upstream(s), false)).toBe('neutral');
    expect(classifyBreakerOutcome(upstream(503), true)).toBe('neutral');
    expect(classifyBreakerOutcome(new GatewayError('GW_UNAVAILABLE', 'skip', { status: 503, retryable: true }), false)).toBe('neutral');
    expect(classifyBreakerOutcome(new GatewayError('GW_DEADLINE', 'late'), false)).toBe('neutral');
    expect(classifyBreakerOutcome(new Error('boom'), false)).toBe('neutral');
  });
});

describe('breakers belong to the account, not its id', () => {
  test('another account at the id starts closed; the same account keeps its open breaker', () => {
    const { book, changes } = setup({ failures: 1 });
    const old = book.breakersFor('p', 'key-1', 'fp-old');
    book.record(old, [], 'failure', book.admit(old).seen);
    expect(old[1].state).toBe('open');
    expect(book.breakersFor('p', 'key-1', 'fp-old')[1].state).toBe('open');
    // Without a fingerprint (a runtime made by hand) the id alone counts.
    expect(book.breakersFor('p', 'key-1')[1].state).toBe('open');

    const now = book.breakersFor('p', 'key-1', 'fp-new');
    expect(now[1]).toBe(old[1]);
    expect(now[1].state).toBe('closed');
    expect(changes.filter((c) => c[0] === 'key-1').map((c) => c[2])).toEqual(['open', 'closed']);
  });

  test('a failure of the old account admitted before the id changed hands counts for nobody', () => {
    const { book } = setup({ failures: 2 });
    const old = book.breakersFor('p', 'key-1', 'fp-old');
    const inFlight = book.admit(old);
    const now = book.breakersFor('p', 'key-1', 'fp-new');
    book.record(old, inFlight.probes, 'failure', inFlight.seen);
    book.record(now, [], 'failure', book.admit(now).seen);
    expect([now[1].state, now[1].consecutive]).toEqual(['closed', 1]);
  });

  test('reidentify (a reload) closes it at once for a breaker it has, and makes none', () => {
    const { book } = setup({ failures: 1 });
    const bs = book.breakersFor('p', 'key-1', 'fp-old');
    book.record(bs, [], 'failure');
    book.reidentify('p', 'key-1', 'fp-old');
    expect(bs[1].state).toBe('open');
    book.reidentify('p', 'key-1', 'fp-new');
    expect(bs[1].state).toBe('closed');
    book.reidentify('p', 'key-9', 'fp-x');
    expect(book.list().map((b) => b.account ?? null)).toEqual([null, 'key-1']);
  });
});
