/**
 * `server.cors_origins` opens the gateway lanes to browser apps; it must not open the admin API.
 * With `cors_origins: ["*"]` every CORS preflight was granted, `/api/*` included: any web page was
 * told it may send `DELETE /api/keys/…` with an `Authorization` header. Now a preflight outside the
 * gateway lanes is refused whatever the list says, and no admin answer carries CORS headers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MOCK_CONFIG, startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway(MOCK_CONFIG.replace('cors_origins: []', 'cors_origins: ["*", "https://app.example"]'));
});
afterAll(() => t.stop());

const preflight = (path: string, origin: string) => fetch(t.url + path, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization, content-type' },
});
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

describe('CORS never reaches the admin API', () => {
  test('preflights to /api/*, /docs and /metrics are refused, even for a listed origin', async () => {
    for (const path of ['/api/keys', '/api/keys/key_x', '/api/health', '/api/auth/login', '/api/oauth/providers', '/api/nope', '/docs/openapi.json', '/metrics']) {
      for (const origin of ['https://evil.example', 'https://app.example']) {
        const res = await preflight(path, origin);
        expect([path, origin, res.status, corsHeaders(res)]).toEqual([path, origin, 403, []]);
      }
    }
  });

  test('admin answers carry no CORS headers', async () => {
    for (const path of ['/api/keys', '/api/health', '/api/auth/state']) {
      const res = await fetch(t.url + path, { headers: { origin: 'https://app.example', authorization: `Bearer ${t.gw.adminToken}` } });
      expect([path, res.status, corsHeaders(res)]).toEqual([path, 200, []]);
    }
  });

  test('the gateway lanes keep their CORS', async () => {
    for (const path of ['/v1/chat/completions', '/v1beta/models']) {
      const res = await preflight(path, 'https://app.example');
      expect([path, res.status, res.headers.get('access-control-allow-origin')]).toEqual([path, 204, 'https://app.example']);
    }
    const res = await t.fetch('/v1/models', { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
