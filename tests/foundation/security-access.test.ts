/**
 * Access control end to end: client keys on `/v1/*` (none, wrong, revoked → 401 in the OpenAI
 * shape; `Authorization: Bearer` and `x-api-key` accepted), keys stored only as hashes, the
 * admin API (`/api/*`: no token 401, client key 403, admin token 200), and CORS closed unless
 * `server.cors_origins` lists the origin.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, health, postChat, readAllFiles, waitUntil } from './foundation-kit.ts';

let up: MockOpenAI;
let t: TestGateway;

const yaml = (cors: string[]) => `
server: { cors_origins: ${JSON.stringify(cors)} }
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(yaml([]));
});

afterAll(async () => {
  await t.stop();
  await up.stop();
});

interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function expect401(res: Response): Promise<OpenAIError> {
  expect(res.status).toBe(401);
  const body = (await res.json()) as OpenAIError;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.type).toBe('authentication_error');
  expect('param' in body.error && 'code' in body.error).toBe(true);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
  return body;
}

describe('client keys on /v1/*', () => {
  test('no key, a wrong key and a revoked key are refused with 401 before anything goes upstream', async () => {
    const before = up.requests.length;
    await expect401(await postChat(t.url, undefined, chatBody('up/gpt-4o')));
    await expect401(await fetch(`${t.url}/v1/models`));
    await expect401(await postChat(t.url, 'sy-not-a-real-key-0000000000000000', chatBody('up/gpt-4o')));
    await expect401(await postChat(t.url, `${t.key}x`, chatBody('up/gpt-4o')));
    await expect401(await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' }, body: JSON.stringify(chatBody('up/gpt-4o')),
    }));
    // Malformed JSON from an anonymous caller is still a 401: auth comes before the body.
    await expect401(await fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }));

    const { info, secret } = t.gw.keys.createKey({ name: 'short-lived' });
    expect((await postChat(t.url, secret, chatBody('up/gpt-4o'))).status).toBe(200);
    t.gw.keys.revoke(info.id);
    const revoked = await expect401(await postChat(t.url, secret, chatBody('up/gpt-4o')));
    expect(revoked.error.message).not.toContain(secret);
    expect(up.requests.length).toBe(before + 1); // only the one authorized request
  });

  test('Authorization: Bearer and x-api-key are both accepted', async () => {
    expect((await postChat(t.url, t.key, chatBody('up/gpt-4o'))).status).toBe(200);
    const viaHeader = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': t.key }, body: JSON.stringify(chatBody('up/gpt-4o')),
    });
    expect(viaHeader.status).toBe(200);
    expect((await fetch(`${t.url}/v1/models`, { headers: { 'x-api-key': t.key } })).status).toBe(200);
  });

  test('keys are stored as hashes: no secret appears in any file of the data dir', async () => {
    const { secret } = t.gw.keys.createKey({ name: 'scan-me' });
    expect((await postChat(t.url, secret, chatBody('up/gpt-4o'))).status).toBe(200);
    t.gw.usage.flush();
    t.gw.log.flush();
    const files = readAllFiles(t.dataDir);
    const db = files.filter((f) => /switchyard\.db/.test(f.file));
    expect(db.length).toBeGreaterThan(0);
    expect(db.reduce((n, f) => n + f.bytes.length, 0)).toBeGreaterThan(4096);
    for (const f of files) {
      for (const s of [secret, t.key]) expect({ file: f.file, leaked: f.bytes.includes(s) }).toEqual({ file: f.file, leaked: false });
    }
    // The display prefix is stored (so `keys list` can show it), the secret is not.
    const prefix = t.gw.keys.list().find((k) => k.name === 'scan-me')!.prefix;
    expect(secret.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(secret.length / 2);
    expect(db.some((f) => f.bytes.includes(prefix))).toBe(true);
  });
});

describe('admin API', () => {
  test('/api/* needs the admin token: none → 401, client key → 403, admin token → 200', async () => {
    writeFileSync(join(t.dataDir, 'plugins', 'admin-probe.ts'), `
export default {
  name: 'admin-probe', kind: 'observer', apiVersion: 1,
  setup(ctx) { ctx.provide('api', { method: 'GET', path: '/api/admin-probe', handle: () => Response.json({ secret: 'admin-only' }) }); },
};
`);
    const url = `${t.url}/api/admin-probe`;
    await waitUntil(async () => (await fetch(url, { headers: { authorization: `Bearer ${t.gw.adminToken}` } })).status === 200, 5000, 'admin-probe route');

    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('admin-only');
    const wrong = await fetch(url, { headers: { authorization: 'Bearer sya-wrong-token-000000000000' } });
    expect(wrong.status).toBe(401);
    const client = await fetch(url, { headers: { authorization: `Bearer ${t.key}` } });
    expect(client.status).toBe(403);
    expect(await client.text()).not.toContain('admin-only');
    const viaApiKeyHeader = await fetch(url, { headers: { 'x-api-key': t.gw.adminToken } });
    expect(viaApiKeyHeader.status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${t.gw.adminToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ secret: 'admin-only' });

    // Health stays public and carries no token or key.
    const h = await fetch(`${t.url}/api/health`);
    expect(h.status).toBe(200);
    const text = await h.text();
    expect(text).not.toContain(t.gw.adminToken);
    expect(text).not.toContain(t.key);
    expect(text).not.toContain('sk-test-up-000000');
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => fetch(`${t.url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  const withOrigin = (origin: string) => postChat(t.url, t.key, chatBody('up/gpt-4o'), { headers: { origin } });

  test('closed by default: no CORS headers, preflight refused', async () => {
    const r = await withOrigin('https://app.example');
    expect(r.status).toBe(200);
    expect([...r.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const p = await preflight('https://app.example');
    expect(p.status).toBe(403);
    expect(p.headers.get('access-control-allow-origin')).toBeNull();
    const h = await fetch(`${t.url}/api/health`, { headers: { origin: 'https://app.example' } });
    expect(h.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('only listed origins get CORS headers; an unlisted preflight is refused', async () => {
    writeFileSync(t.gw.configFile, yaml(['https://app.example']));
    await waitUntil(async () => (await preflight('https://app.example')).status === 204, 3000, 'cors_origins to apply');
    expect((await health(t.url)).status).toBe('ok');

    const p = await preflight('https://app.example');
    expect(p.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(p.headers.get('access-control-allow-headers')).toContain('authorization');
    const r = await withOrigin('https://app.example');
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example');
    // Error answers carry them too, so the page can read the error.
    const denied = await fetch(`${t.url}/v1/models`, { headers: { origin: 'https://app.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example');

    const evilPre = await preflight('https://evil.example');
    expect(evilPre.status).toBe(403);
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const evil = await withOrigin('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // A look-alike is not the listed origin.
    expect((await preflight('https://app.example.evil.example')).status).toBe(403);
  });

  test('a listed origin may send the headers an SDK adds in a browser, and read the gateway\'s own answer headers', async () => {
    writeFileSync(t.gw.configFile, yaml(['https://app.example']));
    await waitUntil(async () => (await preflight('https://app.example')).status === 204, 3000, 'cors_origins to apply');
    const asked = 'authorization, content-type, x-stainless-os, x-stainless-retry-count, anthropic-dangerous-direct-browser-access';
    const p = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': asked },
    });
    expect(p.status).toBe(204);
    expect(p.headers.get('access-control-allow-headers')).toBe(asked);
    const r = await postChat(t.url, t.key, chatBody('up/gpt-4o'), { headers: { origin: 'https://app.example', 'x-request-id': 'trace-7' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-client-request-id')).toBe('trace-7');
    const exposed = r.headers.get('access-control-expose-headers')!.split(/,\s*/);
    for (const h of ['x-request-id', 'x-client-request-id', 'retry-after', 'x-ratelimit-remaining-requests']) expect(exposed).toContain(h);
  });
});
