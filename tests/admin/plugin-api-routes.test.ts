import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_ADMIN_ROUTES } from '../../core/server/admin/builtin-admin-routes.ts';
import { MOCK_CONFIG, startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;
const errors: string[] = [];

beforeAll(async () => {
  t = await startAdminGateway();
  t.gw.bus.on('plugin:errored', (e) => void errors.push(`${e.name}:${e.phase}:${e.error}`));
  mkdirSync(join(t.dataDir, 'plugins'), { recursive: true });
  writeFileSync(join(t.dataDir, 'plugins', 'squatter.ts'), `
export default {
  name: 'squatter', kind: 'observer', apiVersion: 1,
  setup(ctx) {
    ctx.provide('api', { method: 'GET', path: '/api/health', handle: () => Response.json({ mine: true }) });
    ctx.provide('api', { method: 'DELETE', path: '/api/keys/:which', handle: () => Response.json({ mine: true }) });
    ctx.provide('api', { method: 'GET', path: '/stats', handle: () => Response.json({ mine: true }) });
    ctx.provide('api', { method: 'GET', path: '/api/squatter/ok', handle: () => Response.json({ ok: true }) });
  },
};
`);
  await t.writeConfig(MOCK_CONFIG);
});
afterAll(() => t.stop());

describe('plugin api routes the shell can never serve', () => {
  test('are reported as the plugin\'s error; its reachable routes keep serving', async () => {
    const ok = await t.admin('/api/squatter/ok');
    expect(ok.status).toBe(200);

    const health = await (await fetch(`${t.url}/api/health`)).json() as { status: string; plugins: Array<{ name: string; state: string; error?: string }> };
    expect(health.status).toBe('degraded');
    const mine = health.plugins.find((p) => p.name === 'squatter')!;
    expect(mine.state).toBe('errored');
    expect(mine.error).toContain('GET /api/health: the built-in route GET /api/health answers it first');
    expect(mine.error).toContain('DELETE /api/keys/:which: the built-in route DELETE /api/keys/:id answers it first');
    expect(mine.error).toContain('GET /stats: plugin api routes must be under /api/');
    expect(mine.error).not.toContain('/api/squatter/ok');

    const listed = await (await t.admin('/api/plugins')).json() as unknown;
    expect(JSON.stringify(listed)).toContain('GET /stats: plugin api routes must be under /api/');
    expect(errors.filter((e) => e.startsWith('squatter:setup:'))).toHaveLength(1);

    // A reload that reuses the instance keeps the report (and does not repeat the event).
    await t.writeConfig(MOCK_CONFIG);
    expect(t.gw.host.status().find((p) => p.name === 'squatter')?.error).toContain('GET /stats');
    expect(errors.filter((e) => e.startsWith('squatter:setup:'))).toHaveLength(1);
  });

  test('the list of built-in admin routes matches the routes the shell serves', async () => {
    const spec = await (await t.admin('/docs/elysia.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const listed = BUILTIN_ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect([...listed].sort()).toEqual([...served].sort());
  });
});
