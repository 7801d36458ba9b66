import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../core/server/create-app.ts';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;
let dist: string;
let app: { handle(r: Request): Promise<Response> };

beforeAll(async () => {
  t = await startAdminGateway(`providers:\n  mock:\n    type: mock\n    models: [echo]\nplugins:\n  - circuit-breaker\n`);
  dist = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>dash</title>');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  app = createApp({
    dispatch: async (req) => (new URL(req.url).pathname.startsWith('/v1') ? new Response('gateway') : undefined),
    host: t.gw.host, version: 'test', corsOrigins: () => [],
    adminCheck: async (req) => (req.headers.get('authorization') === `Bearer ${t.gw.adminToken}` ? undefined : new Response('no', { status: 401 })),
    health: { version: 'test', startedAt: Date.now(), lastReloadError: () => undefined },
    webDist: dist,
  });
});
afterAll(async () => {
  await t.stop();
  rmSync(dist, { recursive: true, force: true });
});

const get = (path: string, auth = false) =>
  app.handle(new Request(`http://localhost${path}`, { headers: auth ? { authorization: `Bearer ${t.gw.adminToken}` } : {} }));

describe('the dashboard never shadows the API', () => {
  test('deep links and /setup get index.html; files are served as they are', async () => {
    for (const path of ['/', '/setup?token=abc', '/providers/groq', '/logs/req_1']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>dash</title>');
    }
    expect(await (await get('/assets/app.js')).text()).toBe('console.log(1)');
  });

  test('GET /v1/* reaches the gateway, GET /api/* the admin and plugin routes', async () => {
    expect(await (await get('/v1/models')).text()).toBe('gateway');
    expect(await (await get('/v1beta/models')).text()).toBe('gateway');
    const breakers = await get('/api/breakers', true);
    expect(breakers.status).toBe(200);
    expect(await breakers.json()).toHaveProperty('breakers');
    expect((await get('/api/health')).headers.get('content-type')).toContain('application/json');
  });

  test('unknown API paths are JSON 404s, not the app; no path escapes the folder', async () => {
    for (const path of ['/api', '/api/nope', '/v1', '/docs/nope', '/metrics/x']) {
      const res = await get(path, true);
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await res.text()).not.toContain('<title>dash</title>');
    }
    const escape = await get('/..%2f..%2fetc%2fpasswd');
    expect(await escape.text()).toContain('<title>dash</title>');
  });
});
