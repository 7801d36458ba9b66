import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweeper } from './deadline-sweeper.ts';
import { multipartBoundary, readMultipart } from './multipart.ts';

const dir = mkdtempSync(join(tmpdir(), 'multipart-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request whose body arrives in chunks of the given sizes (cycled). */
function chunked(bytes: Uint8Array, contentType: string, sizes: number[]): Request {
  let off = 0;
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= bytes.length) return c.close();
      const n = sizes[i++ % sizes.length];
      c.enqueue(bytes.slice(off, off + n));
      off += n;
    },
  });
  return new Request('http://localhost/x', { method: 'POST', body, headers: { 'content-type': contentType } });
}

async function encode(form: FormData): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const r = new Request('http://localhost/x', { method: 'POST', body: form });
  // Read the type first: Bun drops the generated content type once the body is consumed.
  const type = r.headers.get('content-type')!;
  return { bytes: new Uint8Array(await r.arrayBuffer()), type };
}

/** Bytes that contain near-miss delimiters: CRLF, `--`, and the boundary prefix. */
function tricky(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  const pattern = new TextEncoder().encode('\r\n--\r\n-');
  for (let i = 0; i < n; i++) out[i] = i % 97 === 0 ? pattern[i % pattern.length] : (i * 31) & 0xff;
  return out;
}

describe('readMultipart', () => {
  test('fields and files match what Bun itself parses, for any chunking', async () => {
    const data = tricky(20_000);
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    form.append('file', new File([data], 'speech "1".mp3', { type: 'audio/mpeg' }));
    form.append('prompt', 'héllo wörld');
    const { bytes, type } = await encode(form);
    for (const sizes of [[7, 1, 3], [bytes.length], [4096], [13, 64, 1]]) {
      const body = await readMultipart(chunked(bytes, type, sizes), { limitBytes: 1 << 20, dir });
      expect(body.fields).toEqual([
        { name: 'model', value: 'whisper-1' },
        { name: 'timestamp_granularities[]', value: 'word' },
        { name: 'timestamp_granularities[]', value: 'segment' },
        { name: 'prompt', value: 'héllo wörld' },
      ]);
      expect(body.files).toHaveLength(1);
      const f = body.files[0];
      expect(f.field).toBe('file');
      expect(f.mediaType).toBe('audio/mpeg');
      expect(f.size).toBe(data.length);
      // Bun's own parser decodes the same file name.
      const native = (await new Request('http://localhost/', { method: 'POST', body: bytes, headers: { 'content-type': type } }).formData()).get('file') as File;
      expect(f.filename).toBe(native.name);
      const read = new Uint8Array(await new Response(f.stream()).arrayBuffer());
      expect(Buffer.compare(read, data)).toBe(0);
      // Readable again: every upstream attempt gets the whole file.
      expect((await new Response(f.stream()).arrayBuffer()).byteLength).toBe(data.length);
      await body.dispose();
      expect(readdirSync(dir)).toHaveLength(0);
    }
  });

  test('an upload over the limit is refused with 413 and leaves no file behind', async () => {
    const form = new FormData();
    form.append('file', new File([new Uint8Array(300_000)], 'big.wav'));
    const { bytes, type } = await encode(form);
    const err = await readMultipart(chunked(bytes, type, [65536]), { limitBytes: 100_000, dir }).catch((e) => e);
    expect(err.status).toBe(413);
    expect(err.code).toBe('GW_BODY_TOO_LARGE');
    expect(readdirSync(dir)).toHaveLength(0);
  });

  test('a body cut before the closing boundary is a 400 and leaves no file behind', async () => {
    const form = new FormData();
    form.append('file', new File([new Uint8Array(5000)], 'a.wav'));
    const { bytes, type } = await encode(form);
    const err = await readMultipart(chunked(bytes.slice(0, 3000), type, [1000]), { limitBytes: 1 << 20, dir }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  test('a text field over its cap is a 400', async () => {
    const form = new FormData();
    form.append('prompt', 'x'.repeat(5000));
    const { bytes, type } = await encode(form);
    const err = await readMultipart(chunked(bytes, type, [512]), { limitBytes: 1 << 20, dir, maxFieldBytes: 1000 }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain("'prompt'");
  });

  test('a boundary never followed by its line end is a 400 at once, not a buffered upload', async () => {
    const head = new TextEncoder().encode('--b');
    const bytes = new Uint8Array(8 << 20);
    bytes.set(head);
    bytes.fill(0x41, head.length);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= bytes.length) return c.close();
        c.enqueue(bytes.slice(pulled, pulled + 4096));
        pulled += 4096;
      },
    });
    const req = new Request('http://localhost/x', { method: 'POST', body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    const err = await readMultipart(req, { limitBytes: 16 << 20, dir }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toBe('Malformed multipart boundary line.');
    expect(pulled).toBeLessThan(64 << 10);
  });

  test('a body that stalls or trickles is refused with 408, and its spooled file deleted', async () => {
    const head = new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n');
    /** The part headers, then one byte every `pauseMs` (never anything more when undefined). */
    const slow = (pauseMs: number | undefined) => {
      let started = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (!started) {
            started = true;
            return c.enqueue(head);
          }
          if (pauseMs === undefined) return new Promise<void>(() => undefined);
          await Bun.sleep(pauseMs);
          c.enqueue(new Uint8Array([0x41]));
        },
      });
      return new Request('http://localhost/x', { method: 'POST', body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    };
    const before = readdirSync(dir).length;
    let at = performance.now();
    const stalled = await readMultipart(slow(undefined), { limitBytes: 1 << 20, dir, idleMs: 100 }).catch((e) => e);
    expect(stalled).toMatchObject({ code: 'GW_BODY_TIMEOUT', status: 408 });
    expect(performance.now() - at).toBeLessThan(1000);
    at = performance.now();
    // A byte every 20 ms never trips the idle limit; the deadline ends it.
    const trickle = await readMultipart(slow(20), { limitBytes: 1 << 20, dir, idleMs: 100, deadlineMs: 300 }).catch((e) => e);
    expect(trickle).toMatchObject({ code: 'GW_BODY_TIMEOUT', status: 408, message: 'The upload did not complete within 300 ms.' });
    expect(performance.now() - at).toBeGreaterThanOrEqual(290);
    expect(performance.now() - at).toBeLessThan(1500);
    expect(readdirSync(dir).length).toBe(before);
  });

  test('an upload with limits leaves no watch and no timer behind, however it ends', async () => {
    await Bun.sleep(50); // an interval an earlier test started has stopped by now
    const { setInterval: realSet, clearInterval: realClear } = globalThis;
    const live = new Set<unknown>();
    let made = 0;
    globalThis.setInterval = ((fn: () => void, ms?: number) => {
      const h = realSet(fn, ms);
      live.add(h);
      made++;
      return h;
    }) as typeof setInterval;
    globalThis.clearInterval = ((h?: Parameters<typeof clearInterval>[0]) => {
      live.delete(h);
      realClear(h);
    }) as typeof clearInterval;
    try {
      const form = new FormData();
      form.append('file', new File([tricky(5000)], 'a.wav'));
      const { bytes, type } = await encode(form);
      const limits = { dir, idleMs: 5000, deadlineMs: 10_000 };
      const ok = await readMultipart(chunked(bytes, type, [1000]), { ...limits, limitBytes: 1 << 20 });
      expect(ok.files[0].size).toBe(5000);
      expect(sweeper.size).toBe(0);
      await ok.dispose();
      const big = await readMultipart(chunked(bytes, type, [1000]), { ...limits, limitBytes: 2000 }).catch((e) => e);
      expect(big.code).toBe('GW_BODY_TOO_LARGE');
      expect(sweeper.size).toBe(0);
      const cut = await readMultipart(chunked(bytes.slice(0, 3000), type, [1000]), { ...limits, limitBytes: 1 << 20 }).catch((e) => e);
      expect(cut.code).toBe('GW_BAD_REQUEST');
      expect(sweeper.size).toBe(0);
      const head = new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n');
      const stalled = readMultipart(new Request('http://localhost/x', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(head), pull: () => new Promise<void>(() => undefined) }),
      }), { ...limits, idleMs: 100, limitBytes: 1 << 20 }).catch((e) => e);
      await Bun.sleep(30);
      expect(sweeper.size).toBe(1); // watched while it is read
      expect((await stalled).code).toBe('GW_BODY_TIMEOUT');
      expect(sweeper.size).toBe(0);
      await Bun.sleep(60); // two ticks: the sweeper's interval stops once nothing is watched
      expect(made).toBeGreaterThan(0); // the uploads were watched by an interval made in this test
      expect(live.size).toBe(0);
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
    expect(readdirSync(dir)).toHaveLength(0);
  });

  test('a JSON body is refused with 400', async () => {
    const req = new Request('http://localhost/x', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const err = await readMultipart(req, { limitBytes: 1000, dir }).catch((e) => e);
    expect(err.status).toBe(400);
  });

  test('RFC 5987 file names and quoted boundaries', async () => {
    const boundary = 'b-12:3';
    const text = [
      `--${boundary}`,
      `Content-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`,
      'Content-Type: text/plain',
      '',
      'hello',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const type = `multipart/form-data; boundary="${boundary}"`;
    expect(multipartBoundary(type)).toBe(boundary);
    const body = await readMultipart(chunked(new TextEncoder().encode(text), type, [5]), { limitBytes: 1000, dir });
    expect(body.files[0].filename).toBe('été.txt');
    expect(await new Response(body.files[0].stream()).text()).toBe('hello');
    await body.dispose();
  });
});
