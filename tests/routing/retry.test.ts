import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ask, mockProvider, repeat, startRouting, type Routing } from './routing-kit.ts';

/** Retries of the same target: backoff, short Retry-After honoured, no retry of client errors, a budget. */
let r: Routing;
beforeAll(async () => {
  r = await startRouting(['p'], `
providers:
${mockProvider('p')}
plugins:
  - retry: { baseMs: 50, budgetRatio: 0.2, budgetMin: 1 }
`);
});
afterAll(() => r.stop());

const retries = () => r.events.filter((x) => x.type === 'retry:scheduled').length;

describe('retry plugin', () => {
  test('a 503 is retried on the same target and the client never sees it', async () => {
    r.mocks.p.script([{ status: 503 }]);
    const a = await ask(r.t, 'p/gpt-4o-mini');
    expect(a.status).toBe(200);
    expect(r.mocks.p.requests.length).toBe(2);
    expect(retries()).toBe(1);
  });

  test('a short Retry-After is honoured by waiting', async () => {
    r.mocks.p.script([{ status: 429, retryAfter: 1 }]);
    const a = await ask(r.t, 'p/gpt-4o-mini');
    expect(a.status).toBe(200);
    expect(a.ms).toBeGreaterThanOrEqual(990);
    expect(r.mocks.p.requests.length).toBe(4);
  });

  test('a client error is not retried', async () => {
    r.mocks.p.script([{ status: 400 }]);
    const a = await ask(r.t, 'p/gpt-4o-mini');
    expect(a.status).toBe(400);
    expect(r.mocks.p.requests.length).toBe(5);
  });

  test('the budget: of 10 concurrent failures only 20 % are retried', async () => {
    const before = retries();
    r.mocks.p.script(repeat({ status: 503, firstByteDelayMs: 300 }, 10));
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(r.t, 'p/gpt-4o-mini')));
    expect(retries() - before).toBe(2);
    expect(answers.filter((a) => a.status === 200).length).toBe(2);
    expect(answers.filter((a) => a.status === 502).length).toBe(8);
    expect(r.mocks.p.requests.length).toBe(5 + 12);
  });
});
