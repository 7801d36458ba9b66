import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';

/**
 * Large uploads: a 30 MB audio file goes through the gateway without being held in memory
 * (spooled to disk while it arrives, streamed from disk to the upstream), and a 100 MB one is
 * refused with 413 from its Content-Length before any of it is read.
 */
let mock: MockMedia;
let child: ReturnType<typeof Bun.spawn> | undefined;
let lines: ReadableStreamDefaultReader<Uint8Array>;
const decoder = new TextDecoder();
let pending = '';

/** The child's next stdout line. */
async function nextLine(): Promise<string> {
  while (!pending.includes('\n')) {
    const r = await lines.read();
    if (r.done) throw new Error('gateway child exited');
    pending += decoder.decode(r.value, { stream: true });
  }
  const i = pending.indexOf('\n');
  const line = pending.slice(0, i);
  pending = pending.slice(i + 1);
  return line;
}

/** The child's RSS in MB after a full garbage collection (asked for with SIGUSR2). */
async function childRssAfterOneGc(): Promise<number> {
  child!.kill('SIGUSR2');
  return (JSON.parse(await nextLine()) as { rss: number }).rss / (1024 * 1024);
}
/**
 * The lowest of four readings over ~150 ms, each after a full collection: one collection does not
 * always hand freed pages back at once (with two readings, a flake about once in ten runs: 8.5
 * and 9.3 MB over an 8 MB bound the streaming path stays far under). Memory the gateway still
 * holds shows in every reading.
 */
async function childRssAfterGc(): Promise<number> {
  let low = await childRssAfterOneGc();
  for (let i = 0; i < 3; i++) {
    await Bun.sleep(50);
    low = Math.min(low, await childRssAfterOneGc());
  }
  return low;
}
/** The gateway runs in its own process, so its memory is measured without the client's or the mock's. */
const t = { url: '', key: '', dataDir: '' };

beforeAll(async () => {
  mock = await startMockMedia();
  const yaml = `
providers:
  a: { type: openai, base_url: "${mock.url}", keys: [sk-a-1234567], allow_private_network: true }
`;
  child = Bun.spawn([process.execPath, join(import.meta.dir, 'gateway-child.ts'), yaml], { stdout: 'pipe', stderr: 'inherit' });
  lines = (child.stdout as ReadableStream<Uint8Array>).getReader();
  Object.assign(t, JSON.parse(await nextLine()));
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await child?.exited;
  await mock?.stop();
});

const gw = (path: string, init: RequestInit) =>
  fetch(t.url + path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${t.key}` } });

/** The child's resident and peak resident memory in MB (Linux /proc). */
function childMemory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child!.pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Bytes spooled so far by the gateway's audio endpoint. */
function spooledBytes(): number {
  const root = join(t.dataDir, 'uploads');
  let n = 0;
  // A request's spool folder may be deleted while it is being listed (the warm-up's, released).
  const list = (dir: string) => readdirSync(dir).map((f) => join(dir, f));
  for (const dir of list(root)) {
    let files: string[] = [];
    try {
      files = list(dir);
    } catch {
      continue;
    }
    for (const f of files) n += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  }
  return n;
}

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A multipart body of `size` audio bytes, generated chunk by chunk (the client holds none of
 * it). With `pauseAt`, it stops there until `resume()` is called.
 */
function streamedUpload(size: number, pauseAt = Infinity) {
  const boundary = 'switchyard-test-boundary';
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\na/whisper-1\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  let sent = 0;
  let stage = 0;
  let resume = () => {};
  const gate = new Promise<void>((r) => {
    resume = r;
  });
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (stage === 0) {
        stage = 1;
        return c.enqueue(head);
      }
      if (sent >= pauseAt) await gate;
      if (sent < size) {
        const n = Math.min(CHUNK, size - sent);
        const chunk = new Uint8Array(n);
        for (let i = 0; i < n; i += 4096) chunk[i] = (sent + i) & 0xff;
        sent += n;
        return c.enqueue(chunk);
      }
      c.enqueue(tail);
      c.close();
    },
  });
  return { body, length: head.length + size + tail.length, type: `multipart/form-data; boundary=${boundary}`, resume };
}

describe('upload size and memory', () => {
  test('a 30 MB audio upload is streamed through: the gateway memory stays flat', async () => {
    // Warm-up: the first request pays for code paths and buffers that a steady state reuses.
    const warm = streamedUpload(2 * MB);
    await gw('/v1/audio/transcriptions', { method: 'POST', body: warm.body, headers: { 'content-type': warm.type, 'content-length': String(warm.length) } });
    const baseline = await childRssAfterGc();
    const before = childMemory();

    const up = streamedUpload(30 * MB, 20 * MB);
    const reply = gw('/v1/audio/transcriptions', {
      method: 'POST', body: up.body, headers: { 'content-type': up.type, 'content-length': String(up.length) },
    });
    // Mid-upload: 20 MB are in the gateway. Live memory (after a GC) must not hold them.
    const until = Date.now() + 10_000;
    while (spooledBytes() < 20 * MB - CHUNK && Date.now() < until) await Bun.sleep(10);
    expect(spooledBytes()).toBeGreaterThanOrEqual(20 * MB - CHUNK);
    const midUpload = await childRssAfterGc();
    up.resume();

    const res = await reply;
    const text = ((await res.json()) as { text: string }).text;
    const after = childMemory();
    const retained = await childRssAfterGc();
    console.log(
      `gateway RSS, 30 MB upload: live before ${baseline.toFixed(1)} MB, live with 20 MB in flight ${midUpload.toFixed(1)} MB, ` +
      `live after ${retained.toFixed(1)} MB; raw before ${before.rss.toFixed(1)} MB, raw peak ${after.peak.toFixed(1)} MB`,
    );
    expect(res.status).toBe(200);
    expect(text).toContain(`(${30 * MB} bytes,`);
    expect(mock.requests.at(-1)!.form!.files[0].size).toBe(30 * MB);
    // Buffering would keep the 20 MB received so far live (40 MB with a multipart copy). The
    // streaming path reads 0.6-1.5 MB most runs, but freed pages the allocator has not handed
    // back yet showed up to 8.6 MB (twice in CI): the bound sits between that and 20.
    expect(midUpload - baseline).toBeLessThan(14);
    expect(retained - baseline).toBeLessThan(14);
    // Without a forced GC the peak also counts chunk garbage not yet collected; still well under
    // the two copies (60 MB) a buffering gateway holds.
    expect(after.peak - before.rss).toBeLessThan(50);
  }, 60_000);

  test('a declared 100 MB upload is refused with 413 before it is read', async () => {
    const before = mock.requests.length;
    const t0 = performance.now();
    const { port } = new URL(t.url);
    // Raw socket: send only the headers, no body at all. An answer proves nothing was awaited.
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(
          'POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Authorization: Bearer ${t.key}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
          `Content-Length: ${100 * MB}\r\n\r\n`,
        );
      });
      let data = '';
      sock.on('data', (d) => {
        data += d.toString('utf8');
        if (data.includes('\r\n\r\n') && data.includes('}')) {
          sock.destroy();
          resolve(data);
        }
      });
      sock.on('error', reject);
      setTimeout(() => reject(new Error(`no answer in time; got: ${data.slice(0, 200)}`)), 5000);
    });
    const ms = performance.now() - t0;
    expect(reply).toStartWith('HTTP/1.1 413');
    expect(reply).toContain('request_too_large');
    expect(ms).toBeLessThan(1000);
    expect(mock.requests.length).toBe(before);
  });

  test('an undeclared (chunked) body over the limit is cut off with 413 as it passes the limit', async () => {
    const before = mock.requests.length;
    const up = streamedUpload(60 * MB);
    const res = await gw('/v1/audio/transcriptions', { method: 'POST', body: up.body, headers: { 'content-type': up.type } });
    expect(res.status).toBe(413);
    expect(mock.requests.length).toBe(before);
  }, 30_000);
});
