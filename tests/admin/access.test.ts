import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;
let cookie: string;

beforeAll(async () => {
  t = await startAdminGateway();
  cookie = await t.setupAndLogin();
});
afterAll(() => t.stop());

describe('who may call /api', () => {
  test('a client key gets 403 on core and plugin admin routes', async () => {
    for (const path of ['/api/keys', '/api/overview', '/api/providers', '/api/plugins']) {
      const res = await t.fetch(path);
      expect(res.status).toBe(403);
      const body = await res.json();
      expect(body.error.code).toBe('client_key');
    }
    const write = await t.fetch('/api/keys', { method: 'POST', json: { name: 'sneaky' } });
    expect(write.status).toBe(403);
    expect(t.gw.keys.list().some((k) => k.name === 'sneaky')).toBe(false);
  });

  test('refused before the body is read: an invalid body gets 401/403, not 400', async () => {
    const anon = await fetch(`${t.url}/api/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": 42' });
    expect(anon.status).toBe(401);
    const client = await t.fetch('/api/providers', { method: 'POST', json: { nonsense: true } });
    expect(client.status).toBe(403);
  });

  test('no path variant gets around the check: trailing slashes, unknown and parameterised paths are 401', async () => {
    const before = t.gw.keys.list().length;
    const anon = (path: string, init: RequestInit = {}) => fetch(`${t.url}${path}`, init).then((r) => r.status);
    for (const path of ['/api/keys/', '/api/overview/', '/api/settings/', '/api/logs/', '/api/usage/export.csv/', '/api/events/', '/api/keys//', '/api/nope', '/api/oauth/providers/']) {
      expect([path, await anon(path)]).toEqual([path, 401]);
    }
    expect(await anon('/api/keys/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"slash"}' })).toBe(401);
    expect(await anon('/api/providers/mock/disable/', { method: 'POST' })).toBe(401);
    expect(await anon('/api/settings/', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"server":{"cors_origins":["*"]}}' })).toBe(401);
    expect(t.gw.keys.list().length).toBe(before);
  });

  test('bodies are refused before they are read: over 64 KB on the public routes, over 16 MB on the admin ones', async () => {
    const big = JSON.stringify({ password: 'x'.repeat(100_000) });
    const login = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(login.status).toBe(413);
    expect((await login.json()).error.code).toBe('body_too_large');
    const huge = await t.admin('/api/settings', { method: 'PATCH', json: { filler: 'x'.repeat(17 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    // An ordinary login body still reaches the route.
    expect((await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"wrong password here"}' })).status).toBe(401);
  });

  test('no credentials: 401; the admin token and a session: 200', async () => {
    expect((await fetch(`${t.url}/api/keys`)).status).toBe(401);
    expect((await t.admin('/api/keys')).status).toBe(200);
    expect((await t.session(cookie, '/api/keys')).status).toBe(200);
  });

  test('health and auth state stay public', async () => {
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/auth/state`)).status).toBe(200);
  });
});

describe('CSRF: Origin check on state-changing cookie requests', () => {
  const create = (init: { origin?: string | null; referer?: string }) =>
    t.session(cookie, '/api/keys', { method: 'POST', json: { name: 'csrf-test' }, origin: init.origin, headers: init.referer ? { referer: init.referer } : {} });

  test('same-origin Origin passes', async () => {
    expect((await create({})).status).toBe(201);
  });

  test('a foreign Origin is refused and nothing changes', async () => {
    const before = t.gw.keys.list().length;
    const res = await create({ origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('origin_mismatch');
    expect(t.gw.keys.list().length).toBe(before);
  });

  test('no Origin and no Referer is refused', async () => {
    expect((await create({ origin: null })).status).toBe(403);
  });

  test('a same-host Referer stands in for a missing Origin; a foreign one does not', async () => {
    expect((await create({ origin: null, referer: `${t.url}/keys` })).status).toBe(201);
    expect((await create({ origin: null, referer: 'https://evil.example/x' })).status).toBe(403);
  });

  test('reads need no Origin; the admin token needs none either', async () => {
    expect((await t.session(cookie, '/api/keys', { origin: null })).status).toBe(200);
    expect((await t.admin('/api/keys', { method: 'POST', json: { name: 'script' } })).status).toBe(201);
  });

  test('a write route that edits nothing (reload) refuses a foreign Origin too', async () => {
    const res = await t.session(cookie, '/api/plugins/reload', { method: 'POST', origin: 'http://attacker.test' });
    expect(res.status).toBe(403);
  });

  test('login from a foreign page is refused', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ password: 'x'.repeat(12) }),
    });
    expect(res.status).toBe(403);
  });
});

describe('errors', () => {
  test('an invalid body names the field and echoes nothing', async () => {
    const res = await t.admin('/api/keys', { method: 'POST', json: { name: '', limits: { rpm: 'lots' }, secret: 'sk-should-not-echo-1234567890' } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('sk-should-not-echo');
    const body = JSON.parse(text);
    expect(body.error.code).toBe('invalid_body');
    expect(body.error.param).toBe('name');
  });

  test('an unknown /api path is a JSON 404', async () => {
    const res = await t.admin('/api/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBeDefined();
  });
});

describe('API docs', () => {
  test('the admin routes are listed in /docs with their body schemas', async () => {
    const spec = await (await fetch(`${t.url}/docs/openapi.json`)).json();
    for (const path of ['/api/auth/login', '/api/providers', '/api/combos/{name}', '/api/plugins/{name}/config', '/api/keys/{id}/rotate',
      '/api/usage/timeseries', '/api/usage/export.csv', '/api/logs/{requestId}', '/api/events', '/api/playground/translate', '/api/tools/{tool}/apply',
      // Core routes served outside Elysia: OAuth logins and the accounts they make.
      '/api/oauth/{provider}/start', '/api/oauth/callback', '/api/accounts', '/api/accounts/{provider}/{account}']) {
      expect(spec.paths[path]).toBeDefined();
    }
    const body = spec.paths['/api/keys'].post.requestBody.content['application/json'].schema;
    expect(body.required).toContain('name');
    expect(body.properties.limits.properties.rpm.type).toContain('integer'); // or null: a form's empty field
  });
});
