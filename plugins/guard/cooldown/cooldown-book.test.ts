import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { classifyCredentialError } from './classify-credential-error.ts';
import { CooldownBook, type AccountState } from './cooldown-book.ts';
import { CooldownConfigSchema, DEFAULT_TERMINAL_PATTERNS } from './cooldown-config.ts';

function setup(over: Record<string, unknown> = {}) {
  const cfg = v.parse(CooldownConfigSchema, over);
  let now = 5_000_000;
  const changes: Array<[AccountState, AccountState, number]> = [];
  const book = new CooldownBook(cfg, () => now, (a, from, to) => changes.push([from, to, a.level]));
  return { book, changes, advance: (ms: number) => (now += ms), now: () => now };
}

const up = (status: number, extra: { code?: string; type?: string; message?: string } = {}) =>
  new GatewayError('GW_UPSTREAM_ERROR', 'x', { status, retryable: true, upstream: { status, ...extra } });

describe('cooldown book', () => {
  test('429 cools for the wait hint; attempts are refused until it ends; then exactly one probe', () => {
    const { book, advance, changes } = setup();
    const t = book.admit('p', 'k1');
    expect(book.fail(t, 'rate-limited', 30_000)).toBe(30_000);
    const refused = book.admit('p', 'k1');
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBe(30_000);
    advance(30_000);
    const probe = book.admit('p', 'k1');
    expect([probe.ok, probe.probe]).toEqual([true, true]);
    expect(book.admit('p', 'k1').ok).toBe(false);
    book.succeed(probe);
    expect(book.admit('p', 'k1').ok).toBe(true);
    expect(changes.map((c) => c[1])).toEqual(['cooling', 'probing', 'ready']);
  });

  test('without a hint: 1 s, 2 s, 4 s … capped; a success resets the level', () => {
    const { book, advance } = setup({ maxMs: 3000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = book.admit('p', 'k');
      waits.push(book.fail(t, 'rate-limited')!);
      advance(10_000);
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
    const probe = book.admit('p', 'k');
    book.succeed(probe);
    expect(book.fail(book.admit('p', 'k'), 'rate-limited')).toBe(1000);
  });

  test('single-flight: 200 concurrent 429s raise the level once', () => {
    const { book, changes } = setup();
    const tickets = Array.from({ length: 200 }, () => book.admit('p', 'k'));
    for (const t of tickets) book.fail(t, 'rate-limited', 5000);
    expect(book.list()[0].level).toBe(1);
    expect(changes).toEqual([['ready', 'cooling', 1]]);
  });

  test('a success admitted before the account began cooling (or failed) changes nothing', () => {
    const { book } = setup();
    const slow = book.admit('p', 'k');
    book.fail(book.admit('p', 'k'), 'rate-limited', 30_000);
    book.succeed(slow);
    expect(book.list()[0]).toMatchObject({ state: 'cooling', level: 1 });
    const slow2 = book.admit('p', 'k2');
    book.fail(book.admit('p', 'k2'), 'terminal', undefined, 'billing_hard_limit_reached');
    book.succeed(slow2);
    expect(book.list()[1]!.state).toBe('failed');
    // A call forced through while failed (the plan's last target) that works still clears it.
    const forced = book.admit('p', 'k2');
    expect(forced.ok).toBe(false);
    book.succeed(forced);
    expect(book.list()[1]!.state).toBe('ready');
  });

  test('a slow success admitted before the 429 does not end the probe: the probe\'s own 429 still cools the account', () => {
    const { book, advance } = setup();
    const slow = book.admit('p', 'k');
    book.fail(book.admit('p', 'k'), 'rate-limited');
    advance(1000);
    const probe = book.admit('p', 'k');
    // The reply admitted before the 429 arrives while the probe is still out.
    book.succeed(slow);
    expect(book.list()[0]).toMatchObject({ state: 'probing', level: 1 });
    expect(book.admit('p', 'k').ok).toBe(false);
    expect(book.fail(probe, 'rate-limited')).toBe(2000);
    expect(book.list()[0]).toMatchObject({ state: 'cooling', level: 2 });
  });

  test('a failed probe cools again one level higher', () => {
    const { book, advance } = setup();
    book.fail(book.admit('p', 'k'), 'rate-limited');
    advance(1000);
    const probe = book.admit('p', 'k');
    expect(book.fail(probe, 'rate-limited')).toBe(2000);
    expect(book.list()[0].level).toBe(2);
  });

  test('a probe ending in another error hands the account back', () => {
    const { book, advance } = setup();
    book.fail(book.admit('p', 'k'), 'rate-limited');
    advance(1000);
    const probe = book.admit('p', 'k');
    book.fail(probe, 'neutral');
    expect(book.list()[0].state).toBe('ready');
  });

  test('K consecutive 401s mark the account failed (sticky); concurrent ones count once', () => {
    const { book, advance } = setup({ unauthorizedLimit: 3 });
    const burst = [book.admit('p', 'k'), book.admit('p', 'k')];
    for (const t of burst) book.fail(t, 'unauthorized');
    expect(book.list()[0].unauthorized).toBe(1);
    book.fail(book.admit('p', 'k'), 'unauthorized');
    expect(book.list()[0].state).toBe('ready');
    book.fail(book.admit('p', 'k'), 'unauthorized');
    expect(book.list()[0].state).toBe('failed');
    advance(3_600_000);
    expect(book.admit('p', 'k').ok).toBe(false);
    expect(book.clearFailed()).toBe(1);
    expect(book.admit('p', 'k').ok).toBe(true);
  });

  test('terminal errors stick until an operator resets', () => {
    const { book } = setup();
    book.fail(book.admit('p', 'a'), 'terminal', undefined, 'insufficient_quota');
    book.fail(book.admit('p', 'b'), 'rate-limited', 60_000);
    expect(book.list().map((a) => [a.account, a.state, a.reason])).toEqual([['a', 'failed', 'insufficient_quota'], ['b', 'cooling', 'rate-limited']]);
    expect(book.reset({ provider: 'p', account: 'a' })).toBe(1);
    expect(book.admit('p', 'a').ok).toBe(true);
    expect(book.admit('p', 'b').ok).toBe(false);
    expect(book.reset()).toBe(1);
    expect(book.admit('p', 'b').ok).toBe(true);
  });
});

describe('credential error classification', () => {
  const pats = DEFAULT_TERMINAL_PATTERNS;
  test('429 → rate-limited, 401 → unauthorized, 402 and out-of-credit → terminal', () => {
    expect(classifyCredentialError(up(429), false, pats)).toBe('rate-limited');
    expect(classifyCredentialError(up(401), false, pats)).toBe('unauthorized');
    expect(classifyCredentialError(up(402), false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(429, { code: 'insufficient_quota' }), false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(400, { message: 'Your credit balance is too low to access the API.' }), false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(429, { type: 'exceeded_current_quota_error' }), false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(403, { code: 'insufficient_user_quota' }), false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(429, { message: '余额不足或无可用资源包,请充值。' }), false, pats)).toBe('terminal');
    // A message that echoes the client's own request says nothing about the key.
    const echo = up(400, { message: 'Unrecognized request argument supplied: insufficient_quota' });
    expect(classifyCredentialError(echo, false, pats, (t) => t === 'insufficient_quota')).toBe('neutral');
    expect(classifyCredentialError(echo, false, pats)).toBe('terminal');
    expect(classifyCredentialError(up(429, { code: 'insufficient_quota' }), false, pats, () => true)).toBe('terminal');
  });

  test('a Gemini per-minute quota 429 is a rate limit, not terminal', () => {
    expect(classifyCredentialError(up(429, { code: 'RESOURCE_EXHAUSTED', message: 'You exceeded your current quota, please check your plan.' }), false, pats)).toBe('rate-limited');
  });

  test('403, 5xx, transport errors, local limits and aborts are neutral', () => {
    expect(classifyCredentialError(up(403), false, pats)).toBe('neutral');
    expect(classifyCredentialError(up(503), false, pats)).toBe('neutral');
    expect(classifyCredentialError(new GatewayError('GW_UPSTREAM_CONNECT', 'x', { retryable: true }), false, pats)).toBe('neutral');
    expect(classifyCredentialError(new GatewayError('GW_RATE_LIMITED', 'local limit'), false, pats)).toBe('neutral');
    expect(classifyCredentialError(up(429), true, pats)).toBe('neutral');
  });
});

describe('cooldowns belong to the account, not its id', () => {
  test('another account at the id starts ready; outcomes of the old one admitted before change nothing', () => {
    const { book } = setup();
    const cooling = book.admit('p', 'key-1', 'fp-old');
    const inFlight = book.admit('p', 'key-1', 'fp-old');
    book.fail(cooling, 'rate-limited', 60_000);
    expect(book.admit('p', 'key-1', 'fp-old').ok).toBe(false);

    const t = book.admit('p', 'key-1', 'fp-new');
    expect([t.ok, t.entry.state]).toEqual([true, 'ready']);
    expect(book.fail(inFlight, 'terminal', undefined, 'insufficient_quota')).toBeUndefined();
    expect(t.entry.state).toBe('ready');
    // The same account keeps what it earned.
    book.fail(t, 'rate-limited', 60_000);
    expect(book.admit('p', 'key-1', 'fp-new').ok).toBe(false);
    expect(book.admit('p', 'key-1').ok).toBe(false);
  });
});
