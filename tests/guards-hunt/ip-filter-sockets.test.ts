import { afterEach, describe, expect, test } from 'bun:test';
import { request } from 'node:http';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * The IP filter against real sockets from chosen loopback addresses (Linux answers on all of
 * 127/8, so a client can connect from 127.0.0.10), on a dual-stack listener (IPv4 clients then
 * show as `::ffff:a.b.c.d`) and over IPv6.
 */
let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const yaml = (filter: string) => `
providers:
  m: { type: mock }
plugins:
  - ip-filter: ${filter}
`;

interface Reply {
  status: number;
  body: string;
}

/** A chat request to the gateway from `from` (a local address), to `host`. */
function chatFrom(t: TestGateway, from: string | undefined, opts: { host?: string; headers?: Record<string, string>; path?: string } = {}): Promise<Reply> {
  const body = JSON.stringify({ model: 'm/echo', messages: [{ role: 'user', content: 'hi' }] });
  const path = opts.path ?? '/v1/chat/completions';
  return new Promise((resolve, reject) => {
    const req = request({
      host: opts.host ?? '127.0.0.1', port: t.gw.port, path, method: path.startsWith('/v1') ? 'POST' : 'GET', localAddress: from,
      headers: { authorization: `Bearer ${path.startsWith('/v1') ? t.key : t.gw.adminToken}`, 'content-type': 'application/json', ...opts.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(path.startsWith('/v1') ? body : undefined);
  });
}

const statusesFrom = async (t: TestGateway, addrs: string[]) => {
  const out: Record<string, number> = {};
  for (const a of addrs) out[a] = (await chatFrom(t, a)).status;
  return out;
};

describe('ip-filter on real sockets', () => {
  test('CIDR edges: the first and last address of a network are in it, the neighbours are not', async () => {
    t = await startTestGateway(yaml('{ allow: [127.0.0.4/30, 127.0.1.255/32], deny: [127.0.0.6] }'));
    expect(await statusesFrom(t, ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.1.255', '127.0.2.0']))
      .toEqual({ '127.0.0.3': 403, '127.0.0.4': 200, '127.0.0.5': 200, '127.0.0.6': 403, '127.0.0.7': 200, '127.0.0.8': 403, '127.0.1.255': 200, '127.0.2.0': 403 });
  });

  test('a dual-stack listener: IPv4 clients (::ffff:127.x) match IPv4 networks, IPv6 clients IPv6 ones', async () => {
    t = await startTestGateway(yaml('{ allow: [127.0.0.0/29, "::1"], deny: [127.0.0.2] }'), { host: '::' });
    expect(await statusesFrom(t, ['127.0.0.1', '127.0.0.2', '127.0.0.9'])).toEqual({ '127.0.0.1': 200, '127.0.0.2': 403, '127.0.0.9': 403 });
    expect((await chatFrom(t, undefined, { host: '::1' })).status).toBe(200);
    await t.writeConfig(yaml('{ deny: ["::ffff:127.0.0.0/104"] }'));
    expect((await chatFrom(t, '127.0.0.5')).status).toBe(403);
    expect((await chatFrom(t, undefined, { host: '::1' })).status).toBe(200);
    await t.writeConfig(yaml('{ allow: ["::/0"], deny: ["::1/128"] }'));
    expect((await chatFrom(t, '127.0.0.5')).status).toBe(200);
    expect((await chatFrom(t, undefined, { host: '::1' })).status).toBe(403);
  });

  test('a dual-stack listener: X-Forwarded-For is believed from an IPv4 trusted proxy seen as ::ffff:127.0.0.1', async () => {
    t = await startTestGateway(yaml('{ deny: [203.0.113.0/24], trusted_proxies: [127.0.0.1] }'), { host: '::' });
    expect((await chatFrom(t, '127.0.0.1', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    // Not from the proxy: the header is the client's own and is ignored.
    expect((await chatFrom(t, '127.0.0.2', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
  });

  test('X-Forwarded-For entries with a port (as some proxies and load balancers write them) are still matched', async () => {
    t = await startTestGateway(yaml('{ deny: [203.0.113.0/24, "2001:db8::/32"], trusted_proxies: [127.0.0.1] }'));
    const xff = async (value: string) => (await chatFrom(t!, '127.0.0.1', { headers: { 'x-forwarded-for': value } })).status;
    expect(await xff('203.0.113.9:51234')).toBe(403);
    expect(await xff('[2001:db8::7]:443')).toBe(403);
    expect(await xff('198.51.100.1:51234')).toBe(200);
    expect(await xff('[2001:db9::7]:443')).toBe(200);
  });

  test('zero-padded addresses in the lists mean what they say in decimal (127.0.0.010 is 127.0.0.10)', async () => {
    t = await startTestGateway(yaml('{ allow: ["127.0.0.010", "127.000.001.000/24"] }'));
    expect(await statusesFrom(t, ['127.0.0.10', '127.0.0.8', '127.0.1.7', '127.0.0.1']))
      .toEqual({ '127.0.0.10': 200, '127.0.0.8': 403, '127.0.1.7': 200, '127.0.0.1': 403 });
  });

  test('a refusal in the Gemini and Responses dialects', async () => {
    t = await startTestGateway(yaml('{ deny: [127.0.0.0/8] }'));
    const g = await t.fetch('/v1beta/models/m%2Fecho:generateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(g.status).toBe(403);
    expect(await g.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const r = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'm/echo', input: 'hi' } });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { type: 'permission_error', code: 'GW_FORBIDDEN' } });
  });

  test('admin surface: its own lists, also for an IPv4-mapped peer', async () => {
    t = await startTestGateway(yaml('{ api: { allow: [127.0.0.1] } }'), { host: '::' });
    expect((await chatFrom(t, '127.0.0.1', { path: '/api/health' })).status).toBe(200);
    expect((await chatFrom(t, '127.0.0.2', { path: '/api/health' })).status).toBe(403);
    expect((await chatFrom(t, '127.0.0.2')).status).toBe(200);
  });
});
