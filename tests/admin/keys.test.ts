import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;

beforeAll(async () => {
  t = await startAdminGateway();
});
afterAll(() => t.stop());

const chatWith = (key: string, model = 'mock/echo') => fetch(`${t.url}/v1/chat/completions`, {
  method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
});

describe('client keys', () => {
  let id: string;
  let secret: string;

  test('create shows the secret once; the list never does', async () => {
    const res = await t.admin('/api/keys', { method: 'POST', json: { name: 'laptop', limits: { rpm: 60, dailyBudgetUsd: 1 } } });
    expect(res.status).toBe(201);
    const body = await res.json();
    secret = body.secret;
    id = body.key.id;
    expect(secret).toMatch(/^sy-[A-Za-z0-9]{40}$/);
    expect(body.key).toMatchObject({ name: 'laptop', state: 'active', limits: { rpm: 60, dailyBudgetUsd: 1 }, prefix: secret.slice(0, 12) });
    const list = await (await t.admin('/api/keys')).text();
    expect(list).not.toContain(secret);
    expect((await chatWith(secret)).status).toBe(200);
  });

  test('a key cannot be created already expired; a future expiry is kept', async () => {
    const before = (await (await t.admin('/api/keys')).json()).keys.length;
    const past = await t.admin('/api/keys', { method: 'POST', json: { name: 'stale', expiresAt: Date.now() - 1000 } });
    expect(past.status).toBe(400);
    expect((await past.json()).error).toMatchObject({ code: 'invalid_body', param: 'expiresAt' });
    expect((await (await t.admin('/api/keys')).json()).keys.length).toBe(before);
    const later = Date.now() + 86_400_000;
    const ok = await t.admin('/api/keys', { method: 'POST', json: { name: 'later', expiresAt: later } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).key).toMatchObject({ expiresAt: later, state: 'active' });
  });

  test('spend shows in the list', async () => {
    t.gw.usage.flush();
    const k = (await (await t.admin(`/api/keys/${id}`)).json()).key;
    expect(k.spend.requestsToday).toBe(1);
  });

  test('scopes limit the models a key may use', async () => {
    const res = await t.admin(`/api/keys/${id}`, { method: 'PATCH', json: { scopes: ['fast'] } });
    expect((await res.json()).key.scopes).toEqual(['fast']);
    expect((await chatWith(secret, 'mock/echo')).status).toBe(403);
    expect((await chatWith(secret, 'fast')).status).toBe(200);
    await t.admin(`/api/keys/${id}`, { method: 'PATCH', json: { scopes: null } });
    expect((await chatWith(secret, 'mock/echo')).status).toBe(200);
  });

  test('limits from the dashboard form: an empty field arrives as null and means no limit of that kind', async () => {
    const other = (await (await t.admin('/api/keys', { method: 'POST', json: { name: 'form', limits: { rpm: null, tpm: 1000 } } })).json()).key.id as string;
    const res = await t.admin(`/api/keys/${other}`, { method: 'PATCH', json: { limits: { rpm: 60, tpm: null, dailyBudgetUsd: null, monthlyBudgetUsd: 5 } } });
    expect(res.status).toBe(200);
    expect((await res.json()).key.limits).toEqual({ rpm: 60, monthlyBudgetUsd: 5 });
    const cleared = await t.admin(`/api/keys/${other}`, { method: 'PATCH', json: { limits: { rpm: null, tpm: null, dailyBudgetUsd: null, monthlyBudgetUsd: null } } });
    expect((await cleared.json()).key.limits).toBeUndefined();
  });

  test('rotate: a new secret with the same settings, the old one revoked', async () => {
    const res = await t.admin(`/api/keys/${id}/rotate`, { method: 'POST' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.secret).not.toBe(secret);
    expect(body.key).toMatchObject({ name: 'laptop', limits: { rpm: 60, dailyBudgetUsd: 1 }, state: 'active' });
    expect(body.revoked).toMatchObject({ id, state: 'revoked' });
    expect((await chatWith(secret)).status).toBe(401);
    expect((await chatWith(body.secret)).status).toBe(200);
    id = body.key.id;
    secret = body.secret;
  });

  test('expiry and revoke', async () => {
    await t.admin(`/api/keys/${id}`, { method: 'PATCH', json: { expiresAt: Date.now() - 1000 } });
    expect((await (await t.admin(`/api/keys/${id}`)).json()).key.state).toBe('expired');
    expect((await chatWith(secret)).status).toBe(401);
    await t.admin(`/api/keys/${id}`, { method: 'PATCH', json: { expiresAt: null } });
    expect((await chatWith(secret)).status).toBe(200);
    const res = await t.admin(`/api/keys/${id}`, { method: 'DELETE' });
    expect((await res.json()).key.state).toBe('revoked');
    expect((await chatWith(secret)).status).toBe(401);
  });

  test('unknown key: 404; the audit log has the story without secrets', async () => {
    expect((await t.admin('/api/keys/key_nope/rotate', { method: 'POST' })).status).toBe(404);
    const audit = await (await t.admin('/api/audit')).text();
    expect(audit).toContain('key.rotated');
    expect(audit).not.toContain(secret);
  });
});

describe('rotating a key never gives an expired key', () => {
  const DAY = 86_400_000;
  let shift = 0;
  let c: AdminGateway;
  beforeAll(async () => {
    c = await startAdminGateway(undefined, { now: () => Date.now() + shift });
  });
  afterAll(() => c.stop());
  const create = async (expiresAt: number | null) =>
    (await (await c.admin('/api/keys', { method: 'POST', json: { name: 'ci', expiresAt } })).json()).key as { id: string; createdAt: number };
  const rotate = async (id: string) => (await (await c.admin(`/api/keys/${id}/rotate`, { method: 'POST' })).json()).key as { state: string; expiresAt: number | null };

  test('a future expiry is kept as it is', async () => {
    shift = 0;
    const at = Date.now() + 10 * DAY;
    const k = await create(at);
    expect(await rotate(k.id)).toMatchObject({ state: 'active', expiresAt: at });
  });

  test('an expired key gets its original lifetime again, counted from the rotation', async () => {
    shift = 0;
    const k = await create(Date.now() + 30 * DAY);
    shift = 31 * DAY;
    expect((await (await c.admin(`/api/keys/${k.id}`)).json()).key.state).toBe('expired');
    const before = Date.now() + shift;
    const rotated = await rotate(k.id);
    expect(rotated.state).toBe('active');
    expect(rotated.expiresAt!).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(rotated.expiresAt!).toBeLessThanOrEqual(Date.now() + shift + 30 * DAY);
  });

  test('an expired key with no lifetime (expiry set before it was created) gets no expiry', async () => {
    shift = 0;
    // Created without one, then given an expiry before its creation (a key expired on purpose).
    const k = await create(null);
    expect((await c.admin(`/api/keys/${k.id}`, { method: 'PATCH', json: { expiresAt: k.createdAt - DAY } })).status).toBe(200);
    expect(await rotate(k.id)).toMatchObject({ state: 'active', expiresAt: null });
  });
});
