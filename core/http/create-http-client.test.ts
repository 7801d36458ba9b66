import { afterAll, describe, expect, test } from 'bun:test';
import { createHttpClient } from './create-http-client.ts';
import { caught } from './test-support.ts';

const seen: Array<{ path: string; method: string; auth: string | null; body: string }> = [];
const text = 'hello '.repeat(200);

/** Upstream A: echo, statuses, gzip and redirects. */
const upstream = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    seen.push({ path: url.pathname, method: req.method, auth: req.headers.get('authorization'), body: await req.text() });
    switch (url.pathname) {
      case '/status/429':
        return Response.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'retry-after': '2' } });
      case '/gzip':
        return new Response(Bun.gzipSync(new TextEncoder().encode(text)), { headers: { 'content-encoding': 'gzip' } });
      case '/no-content':
        return new Response(null, { status: 204 });
      case '/redirect/same':
        return new Response(null, { status: 302, headers: { location: '/echo' } });
      case '/redirect/other':
        return new Response(null, { status: 307, headers: { location: `${other.url}echo` } });
      case '/redirect/metadata':
        return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
      case '/redirect/loop':
        return new Response(null, { status: 302, headers: { location: '/redirect/loop' } });
      default:
        return Response.json({ method: req.method, path: url.pathname, auth: req.headers.get('authorization') });
    }
  },
});
/** Upstream B: another origin, to see which headers cross a redirect. */
const other = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (req) => Response.json({ auth: req.headers.get('authorization'), accept: req.headers.get('accept') }),
});
/** A forward proxy that answers every request itself and records the request line. */
const proxyLines: string[] = [];
const proxy = Bun.listen({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    data(s, d) {
      proxyLines.push(d.toString().split('\r\n')[0]);
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nproxied');
      s.end();
    },
  },
});
afterAll(() => {
  upstream.stop(true);
  other.stop(true);
  proxy.stop(true);
});
const base = `http://127.0.0.1:${upstream.port}`;
const local = { allowPrivateNetwork: true };
const client = createHttpClient();


describe('requests', () => {
  test('POST with headers and body reaches the upstream', async () => {
    const res = await client.fetch(`${base}/echo`, {
      ...local,
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'POST', path: '/echo', auth: 'Bearer k' });
    expect(seen.at(-1)!.body).toBe('{"a":1}');
  });

  test('a streamed request body is sent', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('part1-'));
        c.enqueue(new TextEncoder().encode('part2'));
        c.close();
      },
    });
    await (await client.fetch(`${base}/echo`, { ...local, method: 'POST', body })).text();
    expect(seen.at(-1)!.body).toBe('part1-part2');
  });

  test('error statuses are returned, not thrown', async () => {
    const res = await client.fetch(`${base}/status/429`, local);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('slow down');
  });

  test('a decoded gzip body drops content-encoding and content-length', async () => {
    const res = await client.fetch(`${base}/gzip`, local);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-length')).toBeNull();
    expect(await res.text()).toBe(text);
  });

  test('204 has no body', async () => {
    const res = await client.fetch(`${base}/no-content`, local);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });
});

describe('SSRF guard in front of fetch', () => {
  test('loopback is refused without allowPrivateNetwork and nothing is sent', async () => {
    const before = seen.length;
    const err = await caught(client.fetch(`${base}/echo?key=sk-secret`));
    expect(err.code).toBe('GW_SSRF_BLOCKED');
    expect(err.message).toBe('Upstream address is not allowed: 127.0.0.1');
    expect(seen.length).toBe(before);
  });

  test('a hostname resolving to 127.0.0.1 is refused', async () => {
    const tricky = createHttpClient({ resolve: async () => ['127.0.0.1'] });
    const before = seen.length;
    const err = await caught(tricky.fetch(`http://innocent.example:${upstream.port}/echo`));
    expect(err.code).toBe('GW_SSRF_BLOCKED');
    expect(err.message).toBe('Upstream address is not allowed: innocent.example');
    expect(seen.length).toBe(before);
  });

  test('metadata is refused even with allowPrivateNetwork, in any spelling', async () => {
    for (const url of ['http://169.254.169.254/', 'http://2852039166/', 'http://[::ffff:169.254.169.254]/', 'http://metadata.google.internal/']) {
      expect((await caught(client.fetch(url, local))).code).toBe('GW_SSRF_BLOCKED');
    }
  });

  test('non-http schemes and invalid URLs are refused', async () => {
    expect((await caught(client.fetch('file:///etc/passwd', local))).code).toBe('GW_SSRF_BLOCKED');
    const bad = await caught(client.fetch('http://exa mple.com/?key=sk-secret', local));
    expect(bad.code).toBe('GW_SSRF_BLOCKED');
    expect(bad.message).not.toContain('sk-secret');
  });
});

describe('redirects', () => {
  test('same-origin GET redirects are followed', async () => {
    const res = await client.fetch(`${base}/redirect/same`, { ...local, headers: { authorization: 'Bearer k' } });
    expect(await res.json()).toEqual({ method: 'GET', path: '/echo', auth: 'Bearer k' });
  });

  test('credentials do not follow a redirect to another origin', async () => {
    const res = await client.fetch(`${base}/redirect/other`, {
      ...local,
      headers: { authorization: 'Bearer k', accept: 'application/json' },
    });
    expect(await res.json()).toEqual({ auth: null, accept: 'application/json' });
  });

  test('every hop passes the SSRF guard', async () => {
    const err = await caught(client.fetch(`${base}/redirect/metadata`, local));
    expect(err.code).toBe('GW_SSRF_BLOCKED');
    expect(err.message).toContain('169.254.169.254');
  });

  test('POST redirects and endless loops are returned as they are', async () => {
    const post = await client.fetch(`${base}/redirect/same`, { ...local, method: 'POST', body: 'x' });
    expect(post.status).toBe(302);
    const loop = await client.fetch(`${base}/redirect/loop`, local);
    expect(loop.status).toBe(302);
    const hops = seen.filter((s) => s.path === '/redirect/loop').length;
    expect(hops).toBe(6); // first request + 5 redirects
  });
});

describe('proxy', () => {
  test('the proxy option sends the request through the proxy', async () => {
    const res = await client.fetch('http://api.upstream.test/v1/models', {
      proxy: `http://127.0.0.1:${proxy.port}`,
    });
    expect(await res.text()).toBe('proxied');
    expect(proxyLines.at(-1)).toBe('GET http://api.upstream.test/v1/models HTTP/1.1');
  });

  test('a proxy named by HTTP_PROXY in the environment is used (requests go through fetch, which applies it)', async () => {
    const script = `
      import { createHttpClient } from ${JSON.stringify(`${import.meta.dir}/create-http-client.ts`)};
      const client = createHttpClient({ resolve: async () => ['93.184.216.34'] });
      const res = await client.fetch('http://api.upstream.test/v1/chat/completions', { method: 'POST', body: '{}' });
      console.log(await res.text());`;
    const p = Bun.spawn([process.execPath, '-e', script], {
      env: { ...process.env, HTTP_PROXY: `http://127.0.0.1:${proxy.port}` }, stdout: 'pipe', stderr: 'pipe',
    });
    expect((await new Response(p.stdout).text()).trim()).toBe('proxied');
    expect(proxyLines.at(-1)).toBe('POST http://api.upstream.test/v1/chat/completions HTTP/1.1');
  });

  test('the target is still guarded when a proxy is used', async () => {
    const before = proxyLines.length;
    const err = await caught(client.fetch('http://169.254.169.254/', { proxy: `http://127.0.0.1:${proxy.port}` }));
    expect(err.code).toBe('GW_SSRF_BLOCKED');
    expect(proxyLines.length).toBe(before);
  });
});
