import { afterEach, describe, expect, test } from 'bun:test';
import { admin, ask, mockProvider, repeat, sleep, startRouting, type Routing } from '../routing/routing-kit.ts';

/**
 * Retry, cooldown and fallback together, as a combo user sees them: how many calls each upstream
 * gets, how long the client waits, and what it is told when everything fails.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const providers = (extra = '') => `
providers:
${mockProvider('a', undefined, extra)}
${mockProvider('b', undefined, extra)}
combos:
  ab: { models: [a/gpt-4o-mini, b/gpt-4o-mini] }
`;

const eventsOf = (type: string) => r!.events.filter((x) => x.type === type).map((x) => x.e as Record<string, unknown>);

describe('retry + cooldown + fallback', () => {
  test('first target 429s with Retry-After: 1: the retry waits it out on the same target, which answers', async () => {
    r = await startRouting(['a', 'b'], `${providers()}
plugins:
  - retry: { maxRetries: 1 }
  - circuit-breaker
  - cooldown
`);
    for (let round = 0; round < 2; round++) {
      r.mocks.a.script([{ status: 429, retryAfter: 1 }]);
      const answer = await ask(r.t, 'ab', `round ${round}`);
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeGreaterThanOrEqual(990);
      expect(r.mocks.a.requests.length).toBe(2 * (round + 1));
    }
    expect(r.mocks.b.requests.length).toBe(0);
    const { accounts } = await admin<{ accounts: Array<{ state: string; level: number }> }>(r.t, '/api/cooldowns');
    expect(accounts.map((a) => [a.state, a.level])).toEqual([['ready', 0]]);
  }, 15_000);

  test('retries and fallback: the first target is tried 1 + maxRetries times, then the next; attempts count targets', async () => {
    r = await startRouting(['a', 'b'], `${providers()}
plugins:
  - retry: { maxRetries: 2, baseMs: 1 }
`, { eventPrefixes: ['retry:', 'attempt:'] });
    r.mocks.a.script(repeat({ status: 503 }, 3));
    const answer = await ask(r.t, 'ab');
    expect(answer.status).toBe(200);
    expect(r.mocks.a.requests.length).toBe(3);
    expect(r.mocks.b.requests.length).toBe(1);
    await r.t.settled();
    expect(eventsOf('retry:scheduled').map((e) => [e.provider, e.retry])).toEqual([['a', 1], ['a', 2]]);
    expect(eventsOf('attempt:started').map((e) => [e.provider, e.n])).toEqual([['a', 1], ['b', 2]]);
    r.t.gw.usage.flush();
    expect(r.t.gw.usage.recent(1)[0]).toMatchObject({ attempts: 2, provider: 'b' });
  });

  test('a Retry-After that would end past the request deadline is not slept on: the next target answers at once', async () => {
    r = await startRouting(['a', 'b'], `
request: { deadline_ms: 1500 }
${providers()}
plugins:
  - retry: { maxRetries: 1, maxRetryAfterMs: 2000 }
  - cooldown
`);
    r.mocks.a.script([{ status: 429, retryAfter: 1, firstByteDelayMs: 700 }]);
    const answer = await ask(r.t, 'ab');
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1400);
    expect(r.mocks.a.requests.length).toBe(1);
    expect(r.mocks.b.requests.length).toBe(1);
  });

  test('a 429 storm on the first target with Retry-After, then it recovers: traffic returns after one probe', async () => {
    r = await startRouting(['a', 'b'], `${providers()}
plugins:
  - circuit-breaker
  - cooldown
`);
    r.mocks.a.script([{ status: 429, retryAfter: 10 }]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(r!.t, 'ab', `q${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const aBefore = r.mocks.a.requests.length;
    for (let i = 0; i < 5; i++) expect((await ask(r.t, 'ab')).status).toBe(200);
    expect(r.mocks.a.requests.length).toBe(aBefore);
    r.clock.advance(10_000);
    // One probe, concurrent ones still go to b; after it answers, a serves again.
    r.mocks.a.script([{ firstByteDelayMs: 200 }]);
    const bBefore = r.mocks.b.requests.length;
    const wave = await Promise.all(Array.from({ length: 5 }, (_, i) => ask(r!.t, 'ab', `w${i}`)));
    expect(wave.every((a) => a.status === 200)).toBe(true);
    expect(r.mocks.a.requests.length).toBe(aBefore + 1);
    expect(r.mocks.b.requests.length).toBe(bBefore + 4);
    await sleep(10);
    for (let i = 0; i < 3; i++) expect((await ask(r.t, 'ab')).status).toBe(200);
    expect(r.mocks.a.requests.length).toBe(aBefore + 4);
  });
});

describe('what the client is told when every target fails', () => {
  const dialects = (r: Routing) => ({
    openai: () => r.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'ab', messages: [{ role: 'user', content: 'hi' }] } }),
    anthropic: () => r.t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
      json: { model: 'ab', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    }),
    gemini: () => r.t.fetch('/v1beta/models/ab:generateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } }),
    responses: () => r.t.fetch('/v1/responses', { method: 'POST', json: { model: 'ab', input: 'hi' } }),
  });

  test('both targets rate-limited: 429 with the last upstream\'s Retry-After, in each dialect', async () => {
    r = await startRouting(['a', 'b'], `${providers()}
plugins:
  - retry
  - circuit-breaker
  - cooldown
`);
    const d = dialects(r);
    for (const [name, send] of Object.entries(d)) {
      await admin(r.t, '/api/cooldowns/reset', { method: 'POST', body: '{}' });
      r.mocks.a.script([{ status: 429, retryAfter: 20 }]);
      r.mocks.b.script([{ status: 429, retryAfter: 7 }]);
      const res = await send();
      expect([name, res.status]).toEqual([name, 429]);
      expect([name, res.headers.get('retry-after')]).toEqual([name, '7']);
      const body = (await res.json()) as Record<string, unknown>;
      if (name === 'anthropic') expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      else if (name === 'gemini') expect(body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '7s' }] } });
      else expect(body).toMatchObject({ error: { type: expect.any(String) } });
    }
  });

  test('a 429 without a wait hint on the only target: the cooldown\'s own wait reaches the client as Retry-After', async () => {
    r = await startRouting(['a'], `
providers:
${mockProvider('a')}
plugins:
  - cooldown: { baseMs: 4000 }
`);
    r.mocks.a.script([{ status: 429, body: { error: { message: 'Too many requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }]);
    const res = await r.t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
      json: { model: 'a/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('4');
  });
});
