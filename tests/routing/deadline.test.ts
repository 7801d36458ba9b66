import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ask, mockProvider, repeat, startRouting, type Routing } from './routing-kit.ts';

/**
 * One deadline for the whole request: three hanging targets, each with a 1.5 s first-byte
 * timeout and a retry, would take 6 s or more; the 2 s deadline ends the request at 2 s with a
 * 504 in the client's own dialect, and the upstream connection is closed.
 */
let r: Routing;
beforeAll(async () => {
  const t = 'timeouts: { first_byte_ms: 1500 }';
  r = await startRouting(['h1', 'h2', 'h3'], `
request: { deadline_ms: 2000 }
providers:
${mockProvider('h1', undefined, t)}
${mockProvider('h2', undefined, t)}
${mockProvider('h3', undefined, t)}
combos:
  stuck: { models: [h1/gpt-4o-mini, h2/gpt-4o-mini, h3/gpt-4o-mini] }
plugins:
  - retry
  - circuit-breaker
  - cooldown
`);
  for (const m of Object.values(r.mocks)) m.script(repeat({ hang: true }, 20));
});
afterAll(() => r.stop());

describe('request deadline across attempts', () => {
  test('OpenAI, Anthropic and streaming clients all get a 504 in their dialect at ~2 s', async () => {
    const t0 = performance.now();
    const timed = async (p: Promise<Response>) => {
      const res = await p;
      return { res, ms: performance.now() - t0, body: (await res.json()) as Record<string, unknown> };
    };
    const [openai, anthropic, stream] = await Promise.all([
      timed(r.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'stuck', messages: [{ role: 'user', content: 'hi' }] } })),
      timed(r.t.fetch('/v1/messages', { method: 'POST', json: { model: 'stuck', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] } })),
      timed(r.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'stuck', stream: true, messages: [{ role: 'user', content: 'hi' }] } })),
    ]);
    for (const x of [openai, anthropic, stream]) {
      expect(x.res.status).toBe(504);
      expect(x.ms).toBeGreaterThan(1900);
      expect(x.ms).toBeLessThan(3000);
    }
    expect((openai.body.error as { message: string }).message).toContain('deadline');
    expect((stream.body.error as { message: string }).message).toContain('deadline');
    expect(anthropic.body.type).toBe('error');
    expect((anthropic.body.error as { type: string; message: string }).message).toContain('deadline');
    // The attempt in flight at the deadline was aborted: its upstream connection is closed.
    const all = Object.values(r.mocks);
    await r.mocks.h1.waitFor(() => all.every((m) => m.requests.every((q) => q.aborted)), 2000);
    // h1 timed out at 1.5 s, was retried or left for h2; nobody reached the third target's retry.
    expect(all.reduce((n, m) => n + m.requests.length, 0)).toBeLessThanOrEqual(6);
  });

  test('a single request alone also ends at the deadline', async () => {
    const a = await ask(r.t, 'stuck');
    expect(a.status).toBe(504);
    expect(a.ms).toBeGreaterThan(1900);
    expect(a.ms).toBeLessThan(3000);
  });
});
