import { afterEach, expect, test } from 'bun:test';
import { admin, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';

/**
 * A client must not be able to take the gateway's keys out of rotation by making an upstream
 * echo a terminal pattern: OpenAI answers an unknown field with "Unrecognized request argument
 * supplied: <field>", and the cooldown matched `insufficient_quota` in that message.
 */
let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

test('an upstream 400 that echoes the client\'s own field named like a terminal pattern marks no key failed; the real code still does', async () => {
  r = await startRouting(['p'], `
providers:
${mockProvider('p', ['sk-one-0000001', 'sk-two-0000002'])}
plugins:
  - cooldown
`);
  const echo = (field: string) => ({
    status: 400, body: { error: { message: `Unrecognized request argument supplied: ${field}`, type: 'invalid_request_error', param: null, code: null } },
  });
  r.mocks.p.script([echo('insufficient_quota'), echo('insufficient_quota')]);
  for (let i = 0; i < 2; i++) {
    const res = await r.t.fetch('/v1/chat/completions', {
      method: 'POST', json: { model: 'p/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], insufficient_quota: true },
    });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  }
  await r.t.settled();
  const failed = async () => (await admin<{ accounts: Array<{ state: string }> }>(r!.t, '/api/cooldowns')).accounts.filter((a) => a.state === 'failed').length;
  expect(await failed()).toBe(0);

  // The upstream's own out-of-credit answer still takes the key out.
  r.mocks.p.script([{ status: 429, body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } }]);
  expect((await r.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'p/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
  await r.t.settled();
  expect(await failed()).toBe(1);
});
