/**
 * OpenAI's `insufficient_quota` (a 429 that means "no credit left"): the key is not retried —
 * whatever order the guards are listed in — the next key serves the request, `cooldown` takes
 * the key out of rotation, and the attempt is reported as GW_QUOTA_EXHAUSTED.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { admin, ask, keysSeen, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';

const noCredit = {
  status: 429,
  body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
};

let r: Routing;
const failed: Array<{ code: string; retryable: boolean }> = [];
beforeAll(async () => {
  // `cooldown` listed before `retry`: a retry would run inside it, on the same key.
  r = await startRouting(['up'], `
providers:
${mockProvider('up', ['sk-up-key-one-0000001', 'sk-up-key-two-0000002'])}
plugins:
  - cooldown
  - retry: { baseMs: 1 }
`);
  r.t.gw.bus.on('attempt:failed', (e) => void failed.push({ code: e.code, retryable: e.retryable }));
});
afterAll(() => r.stop());

describe('a key out of credit', () => {
  test('is called once, the next key answers, and it stays out of rotation', async () => {
    r.mocks.up.script([noCredit]);
    const a = await ask(r.t, 'up/gpt-4o-mini', 'still answered');
    expect(a.status).toBe(200);
    expect(keysSeen(r.mocks.up)).toEqual(['sk-up-key-one-0000001', 'sk-up-key-two-0000002']);
    await r.t.settled();
    expect(failed).toEqual([{ code: 'GW_QUOTA_EXHAUSTED', retryable: false }]);

    const b = await ask(r.t, 'up/gpt-4o-mini');
    expect(b.status).toBe(200);
    expect(keysSeen(r.mocks.up).slice(2)).toEqual(['sk-up-key-two-0000002']);
    const { accounts } = await admin<{ accounts: Array<{ account: string; state: string }> }>(r.t, '/api/cooldowns');
    expect(accounts.find((x) => x.account === 'key-1')?.state).toBe('failed');
  });
});
