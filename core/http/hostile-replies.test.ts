/**
 * The outbound client against hostile or broken servers. A raw server answers each request with
 * a seeded mutation of a reply: odd status lines (no reason, 999, HTTP/2, garbage, a 1xx first),
 * conflicting or invalid framing (two lengths, a length and chunked, bad chunk sizes, a length
 * too short or too long, close-delimited), content codings that lie or do not exist (`constructor`
 * included), broken header lines, a 80 KB head, junk before the status line, bytes after the
 * reply, a connection cut anywhere, all written in random slices. Whatever comes, every request
 * must end in time with a reply or a gateway error, never hang, never throw anything else.
 */
import { afterAll, expect, test } from 'bun:test';
import type { Socket } from 'bun';
import { gzipSync, brotliCompressSync, deflateSync, zstdCompressSync } from 'node:zlib';
import { createHttpClient } from './create-http-client.ts';
import { random } from '../../tests/helpers/json-fuzz.ts';

/** Seeds per run (`HOSTILE_SEEDS` for a longer hunt: 3,000 pass). */
const SEEDS = Number(process.env.HOSTILE_SEEDS ?? 300);

const STATUS_LINES = [
  'HTTP/1.1 200 OK', 'HTTP/1.0 200 OK', 'HTTP/1.1 200', 'HTTP/1.1 500 Oops', 'HTTP/1.1 204 No Content', 'HTTP/1.1 304 NM',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK', 'HTTP/2 200', 'http/1.1 200 ok', 'HTTP/1.1 abc', 'HTTP/1.1 999 X', 'HTTP/1.1 600 X',
  'garbage', 'HTTP/1.1 101 Switching', 'HTTP/1.1  200  OK',
];
const EXTRA_HEADERS = [
  'x-a: b', 'connection: keep-alive', 'connection: close', 'keep-alive: timeout=0', 'keep-alive: timeout=abc', `x-long: ${'a'.repeat(9000)}`,
  'nocolon', ' leading: space', 'x-obs: a\r\n  folded', 'x-nul: a\u0000b', 'x-utf: é€', 'retry-after: 5', ': empty-name', 'x-empty:',
];
const CODINGS = [undefined, undefined, 'gzip', 'br', 'zstd', 'deflate', 'constructor', '__proto__', 'garbage', 'gzip, br', 'identity'];
const ENCODE: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, br: brotliCompressSync, zstd: zstdCompressSync, deflate: deflateSync };

/** One reply, as the slices it is written in, and whether the server closes after it. */
function hostileReply(rnd: () => number): { slices: Buffer[]; close: boolean } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const plain = Buffer.from(pick(['{"ok":true}', 'data: {"a":1}\n\ndata: [DONE]\n\n', '', 'x'.repeat(5000), 'é😀']));
  const coding = pick(CODINGS);
  // A coding header that lies (the body not encoded) one time in five.
  const body = coding && Object.hasOwn(ENCODE, coding) && rnd() < 0.8 ? ENCODE[coding]!(plain) : plain;
  const headers: string[] = [];
  if (rnd() < 0.8) headers.push(pick(['content-type: application/json', 'content-type: text/event-stream', 'Content-Type: Text/Event-Stream; charset=UTF-8']));
  if (coding) headers.push(`content-encoding: ${coding}`);
  for (let n = Math.floor(rnd() * 3); n > 0; n--) headers.push(pick(EXTRA_HEADERS));
  const chunked = (b: Buffer, lying: boolean): Buffer => {
    const parts: Buffer[] = [];
    for (let at = 0; at < b.length;) {
      const piece = b.subarray(at, at + 1 + Math.floor(rnd() * 700));
      const size = lying && rnd() < 0.3 ? piece.length + 3 : piece.length;
      parts.push(Buffer.from(`${size.toString(16)}${rnd() < 0.1 ? ';ext=1' : ''}\r\n`), piece, Buffer.from(lying && rnd() < 0.3 ? 'XX' : '\r\n'));
      at += piece.length;
    }
    parts.push(Buffer.from(pick(['0\r\n\r\n', '0\r\nx-trailer: 1\r\n\r\n', '0\r\n', ''])));
    return Buffer.concat(parts);
  };
  const framing = pick(['length', 'length', 'chunked', 'close', 'bad-length', 'negative-length', 'two-lengths', 'both', 'te-gzip', 'bad-chunks', 'short-length', 'long-length']);
  let wire = body;
  switch (framing) {
    case 'length': headers.push(`content-length: ${body.length}`); break;
    case 'chunked': headers.push('transfer-encoding: chunked'); wire = chunked(body, false); break;
    case 'bad-chunks': headers.push('transfer-encoding: chunked'); wire = chunked(body, true); break;
    case 'bad-length': headers.push('content-length: 12abc'); break;
    case 'negative-length': headers.push('content-length: -5'); break;
    case 'two-lengths': headers.push(`content-length: ${body.length}`, `content-length: ${body.length + 1}`); break;
    case 'both': headers.push(`content-length: ${body.length}`, 'transfer-encoding: chunked'); wire = chunked(body, false); break;
    case 'te-gzip': headers.push('transfer-encoding: gzip, chunked'); wire = chunked(body, false); break;
    case 'short-length': headers.push(`content-length: ${Math.max(0, body.length - 3)}`); break;
    case 'long-length': headers.push(`content-length: ${body.length + 10}`); break;
  }
  let all = Buffer.concat([
    rnd() < 0.05 ? Buffer.from(pick(['\r\n', 'junk', '\u0000'])) : Buffer.alloc(0),
    Buffer.from(`${pick(STATUS_LINES)}\r\n${headers.join('\r\n')}\r\n\r\n`), wire,
    rnd() < 0.1 ? Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi') : Buffer.alloc(0),
  ]);
  const cut = rnd() < 0.15;
  if (cut) all = all.subarray(0, Math.floor(rnd() * all.length));
  if (rnd() < 0.03) all = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from(`x-h: ${'a'.repeat(1000)}\r\n`.repeat(80))]);
  const slices: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const size = 1 + Math.floor(rnd() * (rnd() < 0.3 ? 10 : 2000));
    slices.push(all.subarray(at, at + size));
    at += size;
  }
  return { slices, close: framing === 'close' || cut || rnd() < 0.2 };
}

let reply = hostileReply(random(1));
const server = Bun.listen<{ head: string }>({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(s) {
      s.data = { head: '' };
    },
    data(s: Socket<{ head: string }>, bytes) {
      s.data.head += bytes.toString('latin1');
      if (!s.data.head.includes('\r\n\r\n')) return;
      s.data.head = '';
      const r = reply;
      void (async () => {
        for (const slice of r.slices) {
          s.write(slice);
          await Bun.sleep(0);
        }
        if (r.close) s.end();
      })();
    },
  },
});
afterAll(() => server.stop(true));

test('every request ends in time, with a reply or a gateway error, whatever the server sends', async () => {
  const client = createHttpClient({ env: {} });
  const url = `http://127.0.0.1:${server.port}/`;
  const timeouts = { firstByteMs: 250, idleMs: 250, totalMs: 2000 };
  const problems: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    reply = hostileReply(random(seed));
    const stream = seed % 2 === 0;
    const t0 = performance.now();
    let outcome: string;
    try {
      const res = await client.fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, allowPrivateNetwork: true, stream, timeouts });
      outcome = `${res.status}, ${(await res.arrayBuffer()).byteLength} bytes`;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      outcome = typeof code === 'string' && code.startsWith('GW_') ? code : `threw ${(e as Error).name}: ${(e as Error).message}`;
    }
    const ms = performance.now() - t0;
    if (outcome.startsWith('threw') || ms > 2300) problems.push(`seed ${seed} (${stream ? 'streamed' : 'whole'}): ${outcome} after ${Math.round(ms)} ms`);
  }
  expect(problems).toEqual([]);
}, 60_000);
