import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { admin, ask, mockProvider, repeat, startRouting, type Routing } from './routing-kit.ts';

/**
 * Guards never eject the last target: a single target whose breaker is open and whose account
 * cools down is still called, and its own error reaches the client (never "no target").
 */
let r: Routing;
beforeAll(async () => {
  r = await startRouting(['solo'], `
providers:
${mockProvider('solo')}
plugins:
  - retry: { baseMs: 1 }
  - circuit-breaker: { failures: 2, baseOpenMs: 60000 }
  - cooldown
`);
});
afterAll(() => r.stop());

describe('a single always-failing target', () => {
  test('5xx: every request reaches the upstream (with its retry) and gets the upstream error', async () => {
    r.mocks.solo.script(repeat({ status: 503, body: { error: { message: 'The engine is currently overloaded', type: 'server_error' } } }, 12));
    for (let i = 0; i < 6; i++) {
      const a = await ask(r.t, 'solo/gpt-4o-mini');
      expect(a.status).toBe(502);
      expect((a.body.error as { message: string }).message).toBe('The engine is currently overloaded');
    }
    expect(r.mocks.solo.requests.length).toBe(12);
    const { breakers } = await admin<{ breakers: Array<{ account: string | null; state: string }> }>(r.t, '/api/breakers');
    expect(breakers.find((b) => b.account === null)?.state).toBe('open');
  });

  test('429: a cooling account that is the last target is still called; the client sees the 429', async () => {
    r.mocks.solo.script(repeat({ status: 429, retryAfter: 30 }, 3));
    for (let i = 0; i < 3; i++) {
      const a = await ask(r.t, 'solo/gpt-4o-mini');
      expect(a.status).toBe(429);
      expect((a.body.error as { message: string }).message).not.toContain('skipped');
    }
    expect(r.mocks.solo.requests.length).toBe(15);
  });

  test('a terminal error (no credit) is not retried: it will not pass by waiting', async () => {
    await admin(r.t, '/api/cooldowns/reset', { method: 'POST', body: '{}' });
    const before = r.mocks.solo.requests.length;
    r.mocks.solo.script([{ status: 429, body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } } }]);
    const a = await ask(r.t, 'solo/gpt-4o-mini');
    expect(a.status).toBe(429);
    expect(r.mocks.solo.requests.length - before).toBe(1); // retry would have made it 2
  });
});
