import { afterAll, describe, expect, test } from 'bun:test';
import { createHttpClient } from './create-http-client.ts';
import { caught } from './test-support.ts';

type Mode = 'silent' | 'one-chunk' | 'keep-alive';
interface Conn {
  openedAt: number;
  closedAt?: number;
  requests: number;
}

/** A raw TCP upstream, so the test sees exactly when the gateway's socket opens and closes. */
let mode: Mode = 'silent';
const conns: Conn[] = [];
const raw = Bun.listen<Conn>({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(s) {
      s.data = { openedAt: performance.now(), requests: 0 };
      conns.push(s.data);
    },
    data(s, d) {
      if (!d.toString().includes('\r\n\r\n')) return;
      s.data.requests++;
      if (mode === 'one-chunk') {
        s.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n6\r\nhello\n\r\n');
      } else if (mode === 'keep-alive') {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
      }
    },
    close(s) {
      s.data.closedAt = performance.now();
    },
  },
});
afterAll(() => raw.stop(true));
const rawUrl = `http://127.0.0.1:${raw.port}/v1/chat/completions?key=sk-SECRET-in-query`;


async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (cond()) return true;
    await Bun.sleep(10);
  }
  return cond();
}

const client = createHttpClient();
const local = { allowPrivateNetwork: true };

describe('abort', () => {
  test('while waiting for headers: GW_CLIENT_CLOSED and the upstream socket closes within 1 s', async () => {
    mode = 'silent';
    const ac = new AbortController();
    const p = client.fetch(rawUrl, { ...local, method: 'POST', body: '{}', signal: ac.signal });
    expect(await waitFor(() => conns.some((c) => c.requests > 0 && c.closedAt === undefined), 2000)).toBe(true);
    const conn = conns.findLast((c) => c.requests > 0 && c.closedAt === undefined)!;
    const t0 = performance.now();
    ac.abort();
    const err = await caught(p);
    expect(err.code).toBe('GW_CLIENT_CLOSED');
    expect(err.status).toBe(499);
    expect(await waitFor(() => conn.closedAt !== undefined, 1000)).toBe(true);
    expect(conn.closedAt! - t0).toBeLessThan(1000);
  });

  test('mid-body: the body errors with GW_CLIENT_CLOSED and the upstream socket closes within 1 s', async () => {
    mode = 'one-chunk';
    const ac = new AbortController();
    const res = await client.fetch(rawUrl, { ...local, signal: ac.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('hello\n');
    const conn = conns.findLast((c) => c.requests > 0 && c.closedAt === undefined)!;
    expect(conn).toBeDefined();
    const pending = reader.read();
    const t0 = performance.now();
    ac.abort();
    const err = await caught(pending);
    expect(err.code).toBe('GW_CLIENT_CLOSED');
    expect(await waitFor(() => conn.closedAt !== undefined, 1000)).toBe(true);
    expect(conn.closedAt! - t0).toBeLessThan(1000);
  });

  test('a consumer that cancels the body closes the upstream socket too', async () => {
    mode = 'one-chunk';
    const res = await client.fetch(rawUrl, local);
    const reader = res.body!.getReader();
    await reader.read();
    const conn = conns.findLast((c) => c.requests > 0 && c.closedAt === undefined)!;
    await reader.cancel();
    expect(await waitFor(() => conn.closedAt !== undefined, 1000)).toBe(true);
  });

  test('an abort reason that is a GatewayError (deadline) is kept', async () => {
    mode = 'silent';
    const ac = new AbortController();
    const p = client.fetch(rawUrl, { ...local, signal: ac.signal });
    await Bun.sleep(50);
    const { GatewayError } = await import('../errors/gateway-error.ts');
    ac.abort(new GatewayError('GW_DEADLINE', 'Deadline passed.'));
    expect((await caught(p)).code).toBe('GW_DEADLINE');
  });

  test('an already aborted signal fails at once without connecting', async () => {
    const before = conns.length;
    const err = await caught(client.fetch(rawUrl, { ...local, signal: AbortSignal.abort() }));
    expect(err.code).toBe('GW_CLIENT_CLOSED');
    await Bun.sleep(50);
    expect(conns.length).toBe(before);
  });

  test('abort during name resolution', async () => {
    const slowDns = createHttpClient({ resolve: () => new Promise(() => {}) });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect((await caught(slowDns.fetch('http://upstream.test/', { signal: ac.signal }))).code).toBe('GW_CLIENT_CLOSED');
  });
});

describe('connections', () => {
  test('keep-alive: sequential requests reuse one upstream connection', async () => {
    mode = 'keep-alive';
    const before = conns.length;
    for (let i = 0; i < 3; i++) {
      const res = await client.fetch(rawUrl, local);
      expect(await res.text()).toBe('ok');
    }
    const opened = conns.slice(before);
    expect(opened.length).toBe(1);
    expect(opened[0].requests).toBe(3);
  });

  test('connection refused is GW_UPSTREAM_CONNECT, retryable, without URL or key in the message', async () => {
    const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const err = await caught(
      client.fetch(`http://127.0.0.1:${port}/v1/x?key=sk-SECRET`, {
        ...local,
        headers: { authorization: 'Bearer sk-SECRET-header' },
      }),
    );
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(err.status).toBe(502);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('127.0.0.1');
    const everything = `${err.message} ${JSON.stringify(err)} ${String(err.cause ?? '')}`;
    expect(everything).not.toContain('SECRET');
    expect(everything).not.toContain('/v1/x');
  });

  test('a name that does not resolve is GW_UPSTREAM_CONNECT', async () => {
    const nx = createHttpClient({ resolve: async () => { throw new Error('ENOTFOUND'); } });
    const err = await caught(nx.fetch('https://nowhere.test/v1'));
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(err.retryable).toBe(true);
  });
});
