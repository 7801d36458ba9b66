import { afterEach, describe, expect, test } from 'bun:test';
import { admin, ask, keysSeen, mockProvider, repeat, startRouting, type Routing } from './routing-kit.ts';

/** Credential cooldowns with real concurrency: 429 storms, single-flight backoff, 401s. */
interface CooldownInfo {
  provider: string;
  account: string | null;
  state: string;
  level: number;
  remainingMs: number | null;
}

let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const burst = async (model: string, n: number) =>
  (await Promise.all(Array.from({ length: n }, (_, i) => ask(r!.t, model, `storm ${i}`))));

/** Two mock providers and the combo `pb` that tries primary, then backup, with `plugins` listed. */
const primaryThenBackup = (plugins: string[]) => `
providers:
${mockProvider('primary')}
${mockProvider('backup')}
combos:
  pb: { models: [primary/gpt-4o-mini, backup/gpt-4o-mini] }
plugins:
${plugins.map((p) => `  - ${p}`).join('\n')}
`;

const cooldownEvents = () => r!.events.filter((x) => x.type === 'cooldown:state-changed').map((x) => x.e as { to: string; level: number });

describe('429 storm on the primary with Retry-After: 30', () => {
  test('every request succeeds via the fallback; the primary gets one request per window; the breaker stays closed', async () => {
    r = await startRouting(['primary', 'backup'], primaryThenBackup(['retry', 'circuit-breaker: { failures: 2 }', 'cooldown']));
    r.mocks.primary.script(repeat({ status: 429, retryAfter: 30 }, 100));
    const first = await ask(r.t, 'pb');
    expect(first.status).toBe(200);
    // No retry slept on the 30 s hint: the fallback answered at once.
    expect(first.ms).toBeLessThan(1500);
    expect(r.mocks.primary.requests.length).toBe(1);

    const storm = await burst('pb', 100);
    expect(storm.every((a) => a.status === 200)).toBe(true);
    expect(r.mocks.primary.requests.length).toBe(1);

    for (let window = 2; window <= 3; window++) {
      r.clock.advance(30_000);
      const next = await burst('pb', 50);
      expect(next.every((a) => a.status === 200)).toBe(true);
      expect(r.mocks.primary.requests.length).toBe(window);
    }
    expect(r.mocks.backup.requests.length).toBe(1 + 100 + 100);

    const { breakers } = await admin<{ breakers: Array<{ provider: string; state: string; consecutiveFailures: number }> }>(r.t, '/api/breakers');
    expect(breakers.filter((b) => b.provider === 'primary').map((b) => [b.state, b.consecutiveFailures])).toEqual([['closed', 0], ['closed', 0]]);
    expect(r.events.filter((x) => x.type === 'circuit-breaker:state-changed')).toEqual([]);
    expect(cooldownEvents().map((e) => `${e.to}:${e.level}`)).toEqual(['cooling:1', 'probing:1', 'cooling:2', 'probing:2', 'cooling:3']);
  });
});

describe('200 concurrent 429s on one account', () => {
  test('the backoff level rises once', async () => {
    r = await startRouting(['one'], `
providers:
${mockProvider('one')}
plugins:
  - cooldown
`);
    // Slow answers, so all 200 requests are in flight before the first 429 lands.
    r.mocks.one.script(repeat({ status: 429, retryAfter: 30, firstByteDelayMs: 1000 }, 200));
    const answers = await burst('one/gpt-4o-mini', 200);
    // A single target is always tried, so every client sees the upstream's 429 (OpenAI envelope).
    expect(answers.every((a) => a.status === 429)).toBe(true);
    expect(typeof (answers[0].body.error as { message: unknown }).message).toBe('string');
    expect(r.mocks.one.requests.length).toBe(200);
    const { accounts } = await admin<{ accounts: CooldownInfo[] }>(r.t, '/api/cooldowns');
    expect(accounts.map((a) => [a.provider, a.state, a.level])).toEqual([['one', 'cooling', 1]]);
    expect(cooldownEvents().map((e) => `${e.to}:${e.level}`)).toEqual(['cooling:1']);
  });
});

describe('401s', () => {
  test('fail over per request; after 3 in a row the account is parked until an operator resets it', async () => {
    r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-revoked-00001', 'sk-good-0000002'])}
plugins:
  - cooldown: { unauthorizedLimit: 3 }
`, { mock: { p: { apiKey: 'sk-good-0000002' } } });
    for (let i = 0; i < 5; i++) expect((await ask(r.t, 'p/gpt-4o-mini')).status).toBe(200);
    const bad = 'sk-revoked-00001';
    const good = 'sk-good-0000002';
    expect(keysSeen(r.mocks.p)).toEqual([bad, good, bad, good, bad, good, good, good]);
    const { accounts } = await admin<{ accounts: CooldownInfo[] }>(r.t, '/api/cooldowns');
    expect(accounts.find((a) => a.account === 'key-1')?.state).toBe('failed');
    expect(await admin(r.t, '/api/cooldowns/reset', { method: 'POST', body: JSON.stringify({ provider: 'p', account: 'key-1' }) })).toEqual({ reset: 1 });
    expect((await ask(r.t, 'p/gpt-4o-mini')).status).toBe(200);
    expect(keysSeen(r.mocks.p).slice(-2)).toEqual([bad, good]);
  });
});

describe('a Retry-After of years (a server or proxy bug)', () => {
  test('cools the account for a day at most, and the client is told a day, not three years', async () => {
    r = await startRouting(['primary', 'backup'], primaryThenBackup(['cooldown']));
    r.mocks.primary.script([...repeat({ status: 429, retryAfter: 99999999 }, 2), { status: 429, retryAfter: 'Fri, 27 Nov 2099 07:28:00 GMT' }]);
    expect((await ask(r.t, 'pb')).status).toBe(200);
    const { accounts } = await admin<{ accounts: CooldownInfo[] }>(r.t, '/api/cooldowns');
    const primary = accounts.find((a) => a.provider === 'primary')!;
    expect(primary.state).toBe('cooling');
    expect(primary.remainingMs).toBeLessThanOrEqual(86_400_000);
    expect(primary.remainingMs).toBeGreaterThan(86_000_000);

    // A day later the account is probed again.
    r.clock.advance(86_400_000);
    expect((await ask(r.t, 'pb')).status).toBe(200);
    expect(r.mocks.primary.requests.length).toBe(2);

    // Alone (the last target is always called), the client gets the upstream's 429 with a day's wait.
    r.clock.advance(86_400_000);
    const res = await r.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'primary/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('86400');
  });
});
