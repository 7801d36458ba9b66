/**
 * Names the config loader cannot hold. `__proto__`, `constructor` and `prototype` are dropped
 * from every map of the parsed config (valibot skips them, so they can never reach the prototype
 * chain): a provider, combo or alias so named was written into the YAML, answered 200/201 as
 * created, and then never served (the provider showed `status: "invalid"`, the model name 404).
 * The admin API refuses them before anything is written.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway();
});
afterAll(() => t.stop());

const RESERVED = ['__proto__', 'constructor', 'prototype'];

describe('names the config cannot hold are a 400, and nothing is written', () => {
  test('providers', async () => {
    const before = await Bun.file(t.gw.configFile).text();
    for (const name of RESERVED) {
      const res = await t.admin('/api/providers', { method: 'POST', json: { name, type: 'mock' } });
      expect([name, res.status]).toEqual([name, 400]);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_body', param: 'name' });
    }
    expect(await Bun.file(t.gw.configFile).text()).toBe(before);
  });

  test('combos and aliases', async () => {
    const before = await Bun.file(t.gw.configFile).text();
    for (const name of RESERVED) {
      const combo = await t.admin(`/api/combos/${name}`, { method: 'PUT', json: { models: ['mock/echo'] } });
      expect([name, combo.status]).toEqual([name, 400]);
      expect((await combo.json()).error).toMatchObject({ code: 'invalid_name', param: 'name' });
      const alias = await t.admin(`/api/aliases/${name}`, { method: 'PUT', json: { target: 'mock/echo' } });
      expect([name, alias.status]).toEqual([name, 400]);
      expect((await alias.json()).error).toMatchObject({ code: 'invalid_name', param: 'name' });
    }
    expect(await Bun.file(t.gw.configFile).text()).toBe(before);
  });

  test('an ordinary name with such a word in it still works and routes', async () => {
    expect((await t.admin('/api/combos/my-constructor', { method: 'PUT', json: { models: ['mock/echo'] } })).status).toBe(201);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'my-constructor', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(200);
  });
});
