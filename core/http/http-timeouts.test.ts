import { afterAll, describe, expect, test } from 'bun:test';
import { createHttpClient } from './create-http-client.ts';
import { caught } from './test-support.ts';

const enc = new TextEncoder();
let serverSawAbort = 0;

/** Upstream with slow behaviours; the path picks one. */
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    req.signal.addEventListener('abort', () => serverSawAbort++);
    if (path === '/slow-headers') {
      await Bun.sleep(3000);
      return new Response('late');
    }
    if (path === '/stall') return new Response(drip(req.signal, 1, 0));
    if (path === '/steady') return new Response(drip(req.signal, 8, 120));
    if (path === '/forever') return new Response(drip(req.signal, 1000, 100));
    if (path === '/two-quick') return new Response(drip(req.signal, 2, 0, true));
    return new Response('ok');
  },
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;

/** `count` chunks, `gapMs` apart; after the last one the stream stalls unless `end`. */
function drip(signal: AbortSignal, count: number, gapMs: number, end = false): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(c) {
      if (sent > 0 && gapMs > 0) await Bun.sleep(gapMs);
      if (signal.aborted) return;
      if (sent < count) c.enqueue(enc.encode(`chunk ${sent++}\n`));
      else if (end) c.close();
      else await new Promise((r) => signal.addEventListener('abort', r));
    },
  });
}


async function readAll(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

const client = createHttpClient();
const local = { allowPrivateNetwork: true };

describe('timeouts', () => {
  test('first byte: headers that take too long fail with GW_UPSTREAM_TIMEOUT and close the request', async () => {
    const before = serverSawAbort;
    const t0 = performance.now();
    const err = await caught(client.fetch(`${base}/slow-headers`, { ...local, timeouts: { firstByteMs: 300 } }));
    const took = performance.now() - t0;
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.retryable).toBe(true);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
    await Bun.sleep(200);
    expect(serverSawAbort).toBe(before + 1);
  });

  test('client defaults apply when the request names no limit', async () => {
    const short = createHttpClient({ defaultTimeouts: { firstByteMs: 200 } });
    const err = await caught(short.fetch(`${base}/slow-headers`, local));
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
  });

  test('idle: a body that stalls mid-stream errors with GW_UPSTREAM_TIMEOUT', async () => {
    const res = await client.fetch(`${base}/stall`, { ...local, timeouts: { idleMs: 300 } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('chunk 0\n');
    const t0 = performance.now();
    const err = await caught(reader.read());
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(err.message).toContain('between body chunks');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test('idle: steady chunks closer than the limit never trip it', async () => {
    const res = await client.fetch(`${base}/steady`, { ...local, timeouts: { idleMs: 400 } });
    const reader = res.body!.getReader();
    let n = 0;
    const t0 = performance.now();
    while (n < 8) {
      const r = await reader.read();
      if (r.done) break;
      n++;
    }
    expect(n).toBe(8);
    expect(performance.now() - t0).toBeGreaterThan(600); // longer than idleMs in total
    await reader.cancel();
  });

  test('idle: a slow consumer is not an idle upstream', async () => {
    const res = await client.fetch(`${base}/two-quick`, { ...local, timeouts: { idleMs: 150 } });
    const reader = res.body!.getReader();
    const text: string[] = [new TextDecoder().decode((await reader.read()).value)];
    await Bun.sleep(400); // we do not read; the upstream is not to blame
    for (let r = await reader.read(); !r.done; r = await reader.read()) text.push(new TextDecoder().decode(r.value));
    expect(text.join('')).toBe('chunk 0\nchunk 1\n');
  });

  test('total: a stream that never ends is cut at totalMs', async () => {
    const t0 = performance.now();
    const res = await client.fetch(`${base}/forever`, { ...local, timeouts: { totalMs: 700, idleMs: 5000 } });
    const reader = res.body!.getReader();
    let chunks = 0;
    const err = await caught(
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          chunks++;
        }
      })(),
    );
    const took = performance.now() - t0;
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(err.message).toContain('in total');
    expect(chunks).toBeGreaterThan(2);
    expect(took).toBeGreaterThanOrEqual(690);
    expect(took).toBeLessThan(2000);
  });

  test('total: also bounds the wait for headers', async () => {
    const err = await caught(client.fetch(`${base}/slow-headers`, { ...local, timeouts: { totalMs: 250 } }));
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(err.message).toContain('in total');
  });

  test('connect: name resolution is bounded by connectMs', async () => {
    const hanging = createHttpClient({ resolve: () => new Promise(() => {}) });
    const t0 = performance.now();
    const err = await caught(hanging.fetch('http://upstream.test/', { timeouts: { connectMs: 200 } }));
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(err.message).toContain('resolving');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  test('fetch lane: headers that arrive after the limit passed still fail (no orphaned body)', async () => {
    const realFetch = globalThis.fetch;
    // A fetch that ignores its signal and answers late: the limit must win anyway. A proxy
    // sends the request through fetch rather than the socket transport.
    globalThis.fetch = Object.assign(async () => {
      await Bun.sleep(120);
      return new Response('late body');
    }, realFetch);
    try {
      const err = await caught(client.fetch('https://8.8.8.8/v1', { timeouts: { firstByteMs: 30 }, proxy: 'http://127.0.0.1:9' }));
      expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  test('a finished body leaves no timer behind to fail later', async () => {
    const res = await client.fetch(`${base}/ok`, { ...local, timeouts: { totalMs: 200, idleMs: 100 } });
    expect(await readAll(res)).toBe('ok');
    await Bun.sleep(300); // the total timer would have fired by now; nothing must throw
  });
});
