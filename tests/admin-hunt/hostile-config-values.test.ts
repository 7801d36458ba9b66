/**
 * Values an admin route writes into the YAML come from the request body. A nested object is
 * written in block style, one more indent per level, so its text grows with the square of its
 * depth: a 30 KB body nesting 5000 objects (combo `options`, a plugin's config) became tens of MB
 * of YAML and held the event loop, every `/v1` request included, for over a minute. Values nested
 * deeper than any config needs are refused before anything is rendered.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway();
});
afterAll(() => t.stop());

function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('deeply nested values are refused at once, and nothing is written', () => {
  test('combo options and a plugin config nesting 5000 levels: 400 in well under a second', async () => {
    const before = await Bun.file(t.gw.configFile).text();
    for (const [path, body] of [
      ['/api/combos/deep', { models: ['mock/echo'], options: nested(5000) }],
      ['/api/combos/deep', { models: ['mock/echo'], options: { list: [[[[nested(5000)]]]] } }],
      ['/api/plugins/retry/config', { config: { extra: nested(5000) } }],
    ] as const) {
      const started = performance.now();
      const res = await t.admin(path, { method: 'PUT', json: body });
      const ms = performance.now() - started;
      expect([path, res.status]).toEqual([path, 400]);
      expect(ms).toBeLessThan(1000);
    }
    expect(await Bun.file(t.gw.configFile).text()).toBe(before);
  }, 20_000);

  test('the refusal names the value; a config-sized nesting is still written', async () => {
    const res = await t.admin('/api/combos/deep', { method: 'PUT', json: { models: ['mock/echo'], options: nested(100) } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'config_rejected', param: 'combos.deep', message: expect.stringContaining('nested') });
    const ok = await t.admin('/api/combos/fine', { method: 'PUT', json: { models: ['mock/echo'], options: nested(8, 'x') } });
    expect(ok.status).toBe(201);
  });
});
