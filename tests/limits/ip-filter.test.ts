import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, chat, post } from './limits-kit.ts';

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

const anthropic = (t: TestGateway, headers: Record<string, string> = {}) => t.fetch('/v1/messages', {
  method: 'POST', headers: { 'anthropic-version': '2023-06-01', ...headers },
  json: { model: 'm/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
});

async function ipv6Loopback(): Promise<boolean> {
  try {
    const s = Bun.serve({ hostname: '::1', port: 0, fetch: () => new Response('ok') });
    s.stop(true);
    return true;
  } catch {
    return false;
  }
}

describe('ip-filter (real gateway, real sockets)', () => {
  test('a denied network gets 403 in the client dialect, before the key is checked, on /v1 and /api', async () => {
    t = await startTestGateway(yaml('{ deny: [127.0.0.0/8] }'));
    const r = await post(t, chat('m/echo'));
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { type: 'permission_error', code: 'GW_FORBIDDEN' } });
    const a = await anthropic(t);
    expect(a.status).toBe(403);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect((await post(t, chat('m/echo'), { secret: 'sy-not-a-real-key' })).status).toBe(403);
    expect((await t.fetch('/v1/models')).status).toBe(403);
    expect((await admin(t, '/api/health')).status).toBe(403);
  });

  test('separate lists for the admin surface; reload changes the lists', async () => {
    t = await startTestGateway(yaml('{ allow: [10.0.0.0/8], api: { allow: [127.0.0.1, "::1"] } }'));
    expect((await post(t, chat('m/echo'))).status).toBe(403);
    expect((await admin(t, '/api/health')).status).toBe(200);
    await t.writeConfig(yaml('{ allow: [10.0.0.0/8, 127.0.0.1/32], api: { allow: [10.0.0.0/8] } }'));
    expect((await post(t, chat('m/echo'))).status).toBe(200);
    expect((await admin(t, '/api/health')).status).toBe(403);
  });

  test('X-Forwarded-For counts only from a trusted proxy', async () => {
    t = await startTestGateway(yaml('{ deny: [203.0.113.0/24], trusted_proxies: [127.0.0.1] }'));
    expect((await post(t, chat('m/echo'), { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    expect((await post(t, chat('m/echo'), { headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' } })).status).toBe(200);
    expect((await post(t, chat('m/echo'), { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(200);
    await t.writeConfig(yaml('{ deny: [203.0.113.0/24] }'));
    expect((await post(t, chat('m/echo'), { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
  });

  test('IPv6 clients are matched by IPv6 networks', async () => {
    if (!(await ipv6Loopback())) return; // no IPv6 loopback on this machine
    t = await startTestGateway(yaml('{ allow: ["::1/128"] }'), { host: '::1' });
    expect((await post(t, chat('m/echo'))).status).toBe(200);
    await t.writeConfig(yaml('{ allow: [127.0.0.1] }'));
    expect((await post(t, chat('m/echo'))).status).toBe(403);
    await t.writeConfig(yaml('{ allow: ["::/0"], deny: ["::1"] }'));
    expect((await anthropic(t)).status).toBe(403);
  });

  test('an invalid network is reported; on reload the previous lists keep serving', async () => {
    t = await startTestGateway(yaml('{ deny: [127.0.0.0/8] }'));
    await t.writeConfig(yaml('{ deny: [127.0.0.0/33] }'));
    const st = t.gw.host.status().find((p) => p.name === 'ip-filter');
    expect(st?.state).toBe('errored');
    expect(st?.error).toContain('not an IP address or CIDR network');
    expect((await post(t, chat('m/echo'))).status).toBe(403);
  });
});
