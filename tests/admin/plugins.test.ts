import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startAdminGateway, waitFor, type AdminGateway } from './admin-kit.ts';

const CONFIG = `providers:
  mock:
    type: mock
    models: [echo]

plugins:
  - api-key
  # breakers guard every provider
  - circuit-breaker: { failures: 5 }
  - telemetry
`;

let t: AdminGateway;
const text = () => readFileSync(t.gw.configFile, 'utf8');
type View = { name: string; state: string; listed: boolean; position: number | null; hooks: string[]; config: unknown; hasConfig: boolean };
const plugins = async (): Promise<View[]> => (await (await t.admin('/api/plugins')).json()).plugins;
const find = async (name: string) => (await plugins()).find((p) => p.name === name);

beforeAll(async () => {
  t = await startAdminGateway(CONFIG);
});
afterAll(() => t.stop());

describe('plugins', () => {
  test('lists loaded plugins with hooks and position, and available built-ins', async () => {
    const cb = await find('circuit-breaker');
    expect(cb).toMatchObject({ state: 'active', listed: true, position: 1, config: { failures: 5 }, hasConfig: true });
    expect(cb!.hooks).toContain('wrapCall');
    expect((await find('rate-limit'))?.state).toBe('available');
    expect((await find('openai-chat'))?.state).toBe('active');
  });

  test('one plugin comes with the JSON Schema of its config', async () => {
    const res = await (await t.admin('/api/plugins/circuit-breaker')).json();
    expect(res.schema.type).toBe('object');
    expect(res.schema.properties.failures.type).toBe('integer');
  });

  test('disable writes `- name: false` in place; enable brings it back', async () => {
    const off = await t.admin('/api/plugins/telemetry/disable', { method: 'POST' });
    expect(off.status).toBe(200);
    expect((await off.json()).plugin.state).toBe('disabled');
    expect(text()).toContain('  - telemetry: false\n');
    expect((await t.admin('/api/metrics/summary')).status).toBe(404);
    const on = await t.admin('/api/plugins/telemetry/enable', { method: 'POST' });
    expect((await on.json()).plugin.state).toBe('active');
    expect(text()).toBe(CONFIG);
    expect((await t.admin('/api/metrics/summary')).status).toBe(200);
  });

  test('config is checked against the plugin schema before anything is written', async () => {
    const bad = await t.admin('/api/plugins/circuit-breaker/config', { method: 'PUT', json: { config: { failures: 0 } } });
    expect(bad.status).toBe(400);
    const err = (await bad.json()).error;
    expect(err.code).toBe('invalid_plugin_config');
    expect(err.param).toBe('failures');
    expect(text()).toBe(CONFIG);
    const ok = await t.admin('/api/plugins/circuit-breaker/config', { method: 'PUT', json: { config: { failures: 3 } } });
    expect(ok.status).toBe(200);
    expect(text()).toContain('  - circuit-breaker: { failures: 3 }\n');
    expect(text()).toContain('  # breakers guard every provider\n');
  });

  test('enabling an available built-in appends it; reorder rewrites the list order', async () => {
    expect((await t.admin('/api/plugins/rate-limit/enable', { method: 'POST' })).status).toBe(200);
    expect(parse(text()).plugins).toEqual(['api-key', { 'circuit-breaker': { failures: 3 } }, 'telemetry', 'rate-limit']);
    const res = await t.admin('/api/plugins/order', { method: 'PUT', json: { order: ['api-key', 'rate-limit', 'circuit-breaker'] } });
    expect(res.status).toBe(200);
    expect(parse(text()).plugins).toEqual(['api-key', 'rate-limit', { 'circuit-breaker': { failures: 3 } }, 'telemetry']);
    expect(text()).toContain('  - rate-limit\n  # breakers guard every provider\n  - circuit-breaker: { failures: 3 }\n');
    const views = await plugins();
    const order = views.filter((p) => p.listed).sort((a, b) => a.position! - b.position!).map((p) => p.name);
    expect(order).toEqual(['api-key', 'rate-limit', 'circuit-breaker', 'telemetry']);
    // An unknown name or a file path is refused: written into `plugins:`, it would be imported.
    const before = text();
    for (const name of ['nope-plugin', '/tmp/evil-plugin.ts', './evil.ts']) {
      const bad = await t.admin('/api/plugins/order', { method: 'PUT', json: { order: ['api-key', name] } });
      expect([name, bad.status]).toEqual([name, 404]);
    }
    expect(text()).toBe(before);
  });

  test('a drop-in plugin appears after a reload', async () => {
    writeFileSync(join(t.dataDir, 'plugins', 'hello-drop.ts'), `export default { name: 'hello-drop', kind: 'observer', apiVersion: 1, setup() {} };\n`);
    const r = await (await t.admin('/api/plugins/reload', { method: 'POST' })).json();
    expect(r.config.reloadError).toBeNull();
    const drop = await waitFor(async () => (await find('hello-drop')));
    expect(drop).toMatchObject({ state: 'active', listed: false });
    expect((drop as unknown as { origin: string }).origin).toBe('drop-in');
  });

  test('unknown plugin: 404', async () => {
    expect((await t.admin('/api/plugins/nope/enable', { method: 'POST' })).status).toBe(404);
  });
});
