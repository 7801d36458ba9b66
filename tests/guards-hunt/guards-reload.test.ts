import { afterEach, describe, expect, test } from 'bun:test';
import { admin, ask, keysSeen, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';

/** Guard state across config reloads while traffic flows, as docs/routing.md describes it. */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

interface CooldownInfo { provider: string; account: string | null; state: string; reason: string | null }

const yaml = (aliases = '', breaker = '{ failures: 1, baseOpenMs: 60000, jitter: 0 }', cooldown = '') => `
providers:
${mockProvider('p', ['sk-dead-0000001', 'sk-good-0000002'])}
${mockProvider('q')}
combos:
  pq: { models: [p/gpt-4o-mini, q/gpt-4o-mini] }
${aliases}
plugins:
  - circuit-breaker: ${breaker}
  - cooldown${cooldown}
`;

const noCredit = { status: 429, body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } };

describe('guards across reloads', () => {
  test('a reload that does not touch the guards: cooling and open breakers keep running, failed accounts come back', async () => {
    r = await startRouting(['p', 'q'], yaml());
    // key-1 is out of credit (failed), then key-2 429s for 30 s (cooling); q's breaker opens.
    r.mocks.p.script([noCredit, { status: 429, retryAfter: 30 }]);
    r.mocks.q.script([{ status: 503 }]);
    expect((await ask(r.t, 'pq')).status).toBe(502);
    const states = async () => (await admin<{ accounts: CooldownInfo[] }>(r!.t, '/api/cooldowns')).accounts
      .filter((a) => a.provider === 'p').map((a) => `${a.account}:${a.state}`).sort();
    expect(await states()).toEqual(['key-1:failed', 'key-2:cooling']);

    const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_, n: string) => r!.mocks[n].url);
    await r.t.writeConfig(fill(yaml('aliases: { fast: q/gpt-4o-mini }')));
    expect(r.t.gw.lastReloadError()).toBeUndefined();
    await r.t.settled();
    expect(await states()).toEqual(['key-1:ready', 'key-2:cooling']);
    const { breakers } = await admin<{ breakers: Array<{ provider: string; account: string | null; state: string }> }>(r.t, '/api/breakers');
    expect(breakers.find((b) => b.provider === 'q' && b.account === null)?.state).toBe('open');
    // key-1 is tried again (and works now); key-2 still cools.
    const before = keysSeen(r.mocks.p).length;
    expect((await ask(r.t, 'pq')).status).toBe(200);
    expect(keysSeen(r.mocks.p).slice(before)).toEqual(['sk-dead-0000001']);
  });
});

describe('guards across edits of their own settings', () => {
  test('editing the breaker and cooldown settings keeps open breakers and cooling accounts (a long Retry-After is not hammered)', async () => {
    r = await startRouting(['p', 'q'], yaml());
    r.mocks.p.script([{ status: 429, retryAfter: 600 }, { status: 429, retryAfter: 600 }]);
    r.mocks.q.script([{ status: 503 }]);
    expect((await ask(r.t, 'pq')).status).toBe(502);
    const cooling = async () => (await admin<{ accounts: CooldownInfo[] }>(r!.t, '/api/cooldowns')).accounts
      .filter((a) => a.provider === 'p' && a.state === 'cooling').map((a) => a.account).sort();
    const qBreaker = async () => (await admin<{ breakers: Array<{ provider: string; account: string | null; state: string }> }>(r!.t, '/api/breakers'))
      .breakers.find((b) => b.provider === 'q' && b.account === null)?.state;
    expect(await cooling()).toEqual(['key-1', 'key-2']);
    expect(await qBreaker()).toBe('open');

    const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_, n: string) => r!.mocks[n].url);
    await r.t.writeConfig(fill(yaml('', '{ failures: 2, baseOpenMs: 60000, jitter: 0 }', ': { baseMs: 2000 }')));
    expect(r.t.gw.lastReloadError()).toBeUndefined();
    await r.t.settled();
    expect(await cooling()).toEqual(['key-1', 'key-2']);
    expect(await qBreaker()).toBe('open');
    // Nothing is called while both stay out: p's keys cool, q's breaker is open (q is the last target, forced through).
    const seenP = keysSeen(r.mocks.p).length;
    expect((await ask(r.t, 'pq')).status).toBe(200);
    expect(keysSeen(r.mocks.p).length).toBe(seenP);
  });
});

describe('POST /api/cooldowns/reset bodies', () => {
  test('null resets every account; a filter of the wrong type is a 400, not "reset everything"', async () => {
    r = await startRouting(['p', 'q'], yaml());
    r.mocks.p.script([noCredit, noCredit]);
    expect((await ask(r.t, 'pq')).status).toBe(200);
    const failed = async () => (await admin<{ accounts: CooldownInfo[] }>(r!.t, '/api/cooldowns')).accounts.filter((a) => a.state === 'failed').length;
    expect(await failed()).toBe(2);
    const reset = (body: string) => fetch(`${r!.t.url}/api/cooldowns/reset`, {
      method: 'POST', body, headers: { authorization: `Bearer ${r!.t.gw.adminToken}`, 'content-type': 'application/json' },
    });
    for (const bad of ['{"provider": 5}', '{"account": ["key-1"]}', '[]', '"p"', '{oops']) {
      const res = await reset(bad);
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect(await failed()).toBe(2);
    const ok = await reset('null');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ reset: 2 });
    expect(await failed()).toBe(0);
  });
});
