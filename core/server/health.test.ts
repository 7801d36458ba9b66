import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isHealthCheck } from './health.ts';

describe('isHealthCheck', () => {
  test('GET /api/health, with or without a query string, and nothing else', () => {
    const get = (url: string, method = 'GET') => isHealthCheck(new Request(url, { method }));
    expect(get('http://127.0.0.1:20128/api/health')).toBe(true);
    expect(get('http://127.0.0.1:20128/api/health?verbose=1')).toBe(true);
    expect(get('http://[::1]:20128/api/health')).toBe(true);
    expect(get('http://127.0.0.1:20128/api/health', 'HEAD')).toBe(true);
    expect(get('http://127.0.0.1:20128/api/health', 'POST')).toBe(false);
    expect(get('http://127.0.0.1:20128/api/healthz')).toBe(false);
    expect(get('http://127.0.0.1:20128/api/health/x')).toBe(false);
    expect(get('http://127.0.0.1:20128/api/settings')).toBe(false);
    expect(get('http://127.0.0.1:20128/x/api/health')).toBe(false);
    expect(get('http://127.0.0.1:20128/')).toBe(false);
  });
});

describe('monitors\' polls on a gateway that only proxies', () => {
  test('GET/HEAD /api/health and a Prometheus scrape of /metrics are answered without building the admin shell (Elysia, the admin API, drizzle)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-health-'));
    try {
      writeFileSync(join(dir, 'switchyard.yaml'), 'providers:\n  m: { type: mock }\nplugins:\n  - telemetry\n');
      const script = `
        import { startGateway } from ${JSON.stringify(resolve(import.meta.dir, 'start-gateway.ts'))};
        const loaded = (name) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + name + '/'));
        const gw = await startGateway({ dataDir: ${JSON.stringify(dir)}, port: 0, console: false });
        const head = await fetch(gw.url + '/api/health', { method: 'HEAD' });
        const headBody = await head.text();
        const res = await fetch(gw.url + '/api/health');
        const body = await res.json();
        const anonymous = await fetch(gw.url + '/metrics');
        await anonymous.text();
        const scrape = await fetch(gw.url + '/metrics', { headers: { authorization: 'Bearer ' + gw.adminToken } });
        const metrics = await scrape.text();
        const before = { elysia: loaded('elysia'), drizzle: loaded('drizzle-orm') };
        const settings = await fetch(gw.url + '/api/settings');
        const after = { elysia: loaded('elysia'), drizzle: loaded('drizzle-orm') };
        console.log(JSON.stringify({ metrics: [anonymous.status, scrape.status, metrics.includes('switchyard_requests_total')], head: [head.status, headBody], status: res.status, type: res.headers.get('content-type'), health: body.status, providers: body.providers, before, settings: settings.status, after }));
        await gw.stop(0);
      `;
      const file = join(dir, 'probe.ts');
      writeFileSync(file, script);
      const r = Bun.spawnSync([process.execPath, file], { cwd: resolve(import.meta.dir, '../..') });
      expect(r.stderr.toString()).toBe('');
      expect(JSON.parse(r.stdout.toString())).toEqual({
        metrics: [401, 200, true], head: [200, ''], status: 200, type: expect.stringContaining('application/json'), health: 'ok',
        providers: [{ name: 'm', type: 'mock', accounts: 0, models: expect.any(Number) }],
        before: { elysia: false, drizzle: false },
        settings: 401, after: { elysia: true, drizzle: true },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
