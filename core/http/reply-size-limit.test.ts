import { afterAll, describe, expect, test } from 'bun:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createHttpClient, MAX_BUFFERED_REPLY_BYTES } from './create-http-client.ts';
import { caught } from './test-support.ts';

/**
 * A reply read whole (`stream: false`) is bounded: a hostile or broken upstream cannot make the
 * gateway hold more than the limit, neither with a long body nor with a small compressed one
 * that inflates (a "zip bomb": 32 MB of gzip here inflates to 32 GB in the real attack).
 */
const LIMIT = 1024 * 1024;
const bomb = gzipSync(Buffer.alloc(8 * LIMIT, 0x20));
const brBomb = brotliCompressSync(Buffer.alloc(8 * LIMIT, 0x20));
const small = JSON.stringify({ ok: true, pad: 'x'.repeat(LIMIT / 2) });

const upstream = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req) {
    switch (new URL(req.url).pathname) {
      case '/gzip-bomb':
        return new Response(bomb, { headers: { 'content-encoding': 'gzip' } });
      case '/br-bomb':
        return new Response(brBomb, { headers: { 'content-encoding': 'br' } });
      case '/long':
        return new Response(Buffer.alloc(4 * LIMIT, 0x20));
      case '/long-chunked':
        return new Response(new ReadableStream({
          pull(c) {
            c.enqueue(new Uint8Array(64 * 1024).fill(0x20)); // never ends by itself
          },
        }));
      case '/small-gzip':
        return new Response(gzipSync(small), { headers: { 'content-encoding': 'gzip' } });
      default:
        return new Response(small);
    }
  },
});
afterAll(() => upstream.stop(true));

const http = createHttpClient({ maxBufferedReplyBytes: LIMIT });
const base = `http://127.0.0.1:${upstream.port}`;
const opts = { allowPrivateNetwork: true, stream: false } as const;
/** A Blob body sends the request through Bun's fetch instead of the socket transport. */
const viaFetch = { ...opts, method: 'POST', body: new Blob(['x']) } as const;

describe('replies read whole are bounded', () => {
  test('the default limit leaves room for large image replies', () => {
    expect(MAX_BUFFERED_REPLY_BYTES).toBeGreaterThanOrEqual(64 * 1024 * 1024);
  });

  for (const [lane, init] of [['socket transport', opts], ['fetch', viaFetch]] as const) {
    for (const path of ['/gzip-bomb', '/br-bomb', '/long', '/long-chunked']) {
      test(`${lane}: ${path} fails with GW_UPSTREAM_PROTOCOL instead of growing memory`, async () => {
        const err = await caught(http.fetch(base + path, init));
        expect(err?.code).toBe('GW_UPSTREAM_PROTOCOL');
        expect(err?.message).toContain('over 1 MB');
      });
    }

    test(`${lane}: replies under the limit (plain and compressed) still arrive whole`, async () => {
      for (const path of ['/small', '/small-gzip']) {
        const res = await http.fetch(base + path, init);
        expect(await res.text()).toBe(small);
      }
    });
  }
});
