import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Socket } from 'bun';
import { join } from 'node:path';
import { createHttpClient } from './create-http-client.ts';
import { caught } from './test-support.ts';

/**
 * A raw HTTP/1.1 server: each path answers with exact bytes, written in the pieces a test asks
 * for, so framing (lengths, chunks, interim responses, closes) is under the test's control.
 */
type Script = (s: Socket<Conn>, request: string) => void | Promise<void>;
interface Conn { id: number; buf: Buffer }

const enc = new TextEncoder();
let connections = 0;
let requestsSeen: Array<{ conn: number; head: string; body: string }> = [];
const scripts = new Map<string, Script>();

/** Writes `bytes` in pieces of `size` with a short pause between (each piece a separate read on the client). */
async function dribble(s: Socket<Conn>, bytes: Uint8Array | string, size: number): Promise<void> {
  const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes;
  for (let i = 0; i < b.length; i += size) {
    s.write(b.subarray(i, i + size));
    s.flush();
    await Bun.sleep(1);
  }
}

const server = Bun.listen<Conn>({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(s) {
      s.data = { id: ++connections, buf: Buffer.alloc(0) };
    },
    data(s, chunk) {
      s.data.buf = Buffer.concat([s.data.buf, chunk]);
      for (;;) {
        const end = s.data.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = s.data.buf.subarray(0, end).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (s.data.buf.length < end + 4 + length) return;
        const body = s.data.buf.subarray(end + 4, end + 4 + length).toString('utf8');
        s.data.buf = s.data.buf.subarray(end + 4 + length);
        requestsSeen.push({ conn: s.data.id, head, body });
        const path = head.split(' ')[1]!;
        const script = scripts.get(path);
        if (!script) s.write('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        else void script(s, head);
      }
    },
  },
});
const base = `http://127.0.0.1:${server.port}`;
const local = { allowPrivateNetwork: true } as const;
/** The socket transport even where the environment names a proxy (which sends requests through fetch). */
const direct = { env: {} };
afterAll(() => server.stop(true));

function on(path: string, script: Script): string {
  scripts.set(path, script);
  return `${base}${path}`;
}


/** A complete 200 response: the given header lines (each ending in CRLF), a Content-Length, the body. */
const ok = (body: string, headers = '') => `HTTP/1.1 200 OK\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const sha = (b: Uint8Array | ArrayBuffer) => new Bun.CryptoHasher('sha256').update(b).digest('hex');

describe('framing', () => {
  const big = new Uint8Array(1_000_003).map((_, i) => (i * 7919) % 251);
  const bigUrl = on('/big', async (s) => {
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${big.length}\r\n\r\n`);
    await dribble(s, big, 65_536);
  });

  test('a 1 MB Content-Length body in many reads arrives intact, buffered and streamed', async () => {
    const client = createHttpClient(direct);
    const buffered = await client.fetch(bigUrl, { ...local, stream: false });
    expect(sha(await buffered.arrayBuffer())).toBe(sha(big));
    const streamed = await client.fetch(bigUrl, local);
    expect(streamed.headers.get('content-length')).toBe(String(big.length));
    expect(sha(await streamed.arrayBuffer())).toBe(sha(big));
  });

  test('chunked: extensions, trailers and a body delivered one byte per read', async () => {
    const url = on('/chunked', (s) => dribble(s,
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/event-stream\r\n\r\n'
      + '6;ext=1\r\ndata: \r\n' + 'b\r\n{"a":"b"}\n\n\r\n' + '0\r\nx-trailer: t\r\n\r\n', 1));
    const client = createHttpClient(direct);
    const res = await client.fetch(url, local);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('data: {"a":"b"}\n\n');
    const again = await client.fetch(url, { ...local, stream: false });
    expect(await again.text()).toBe('data: {"a":"b"}\n\n');
  });

  test('bare LF line ends and obs-fold header lines parse, in any split, buffered and streamed', async () => {
    const url = on('/lf', (s) => dribble(s,
      'HTTP/1.1 200 OK\ncontent-type: text/plain\nx-folded: first\r\n  second\n\tthird\ntransfer-encoding: chunked\n\n'
      + '5\nhello\n' + '6\r\n world\r\n' + '0\nx-trailer: t\n\n', 1));
    const client = createHttpClient(direct);
    for (const stream of [true, false]) {
      const res = await client.fetch(url, { ...local, stream });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('x-folded')).toBe('first second third');
      expect(await res.text()).toBe('hello world');
    }
    expect(new Set(requestsSeen.filter((r) => r.head.includes('/lf')).map((r) => r.conn)).size).toBe(1);
  });

  test('header bytes past ASCII (UTF-8 text in a value) are read one character per byte, as fetch reads them', async () => {
    // "€" in UTF-8 is E2 82 AC: windows-1252 (TextDecoder's "latin1") reads 0x82 as U+201A,
    // which no header value may hold, and the whole reply failed as malformed.
    const url = on('/utf8-header', (s) => void s.write(Buffer.concat([
      Buffer.from('HTTP/1.1 200 OK\r\nx-title: 5 \u20ac caf\u00e9\r\n', 'utf8'), Buffer.from(ok('fine').slice('HTTP/1.1 200 OK\r\n'.length)),
    ])));
    const client = createHttpClient(direct);
    for (const stream of [true, false]) {
      const res = await client.fetch(url, { ...local, stream });
      expect(res.status).toBe(200);
      expect(Buffer.from(res.headers.get('x-title')!, 'latin1').toString('utf8')).toBe('5 \u20ac caf\u00e9');
      expect(await res.text()).toBe('fine');
    }
  });

  test('interim 100 and 103 responses are skipped', async () => {
    const url = on('/interim', (s) => void s.write(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok'));
    const res = await createHttpClient(direct).fetch(url, local);
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('ok');
  });

  test('a body delimited by the connection closing (no length, HTTP/1.0)', async () => {
    const url = on('/until-close', async (s) => {
      s.write('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\npart one, ');
      await Bun.sleep(5);
      s.end('part two');
    });
    const res = await createHttpClient(direct).fetch(url, local);
    expect(await res.text()).toBe('part one, part two');
  });

  test('HEAD, 204 and 304 have no body even with a length', async () => {
    const url = on('/headless', (s, head) => void s.write(head.startsWith('HEAD')
      ? 'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n'
      : 'HTTP/1.1 304 Not Modified\r\ncontent-length: 50\r\n\r\n'));
    const client = createHttpClient(direct);
    const head = await client.fetch(url, { ...local, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const notModified = await client.fetch(url, local);
    expect(notModified.status).toBe(304);
    // The connection is still in step: the next request on it is answered normally.
    expect((await client.fetch(url, { ...local, method: 'HEAD' })).status).toBe(200);
  });

  test('gzip and br bodies are decoded and lose Content-Encoding/Length, buffered and streamed', async () => {
    const text = 'data: {"x":1}\n\n'.repeat(500);
    const gz = Bun.gzipSync(enc.encode(text));
    const url = on('/gzip', async (s) => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${gz.length}\r\n\r\n`);
      await dribble(s, gz, 300);
    });
    const client = createHttpClient(direct);
    for (const stream of [true, false]) {
      const res = await client.fetch(url, { ...local, stream });
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('content-length')).toBeNull();
      expect(await res.text()).toBe(text);
    }
    expect(requestsSeen.at(-1)!.head).toContain('accept-encoding: gzip, deflate, br, zstd');
  });

  test('a coding it does not know passes undecoded with its header, even one named like a property of every object', async () => {
    const client = createHttpClient(direct);
    for (const coding of ['compress', 'constructor', '__proto__', 'toString']) {
      const url = on(`/coding-${coding}`, (s) => void s.write(ok('plain bytes', `content-encoding: ${coding}\r\n`)));
      for (const stream of [true, false]) {
        const res = await client.fetch(url, { ...local, stream });
        expect(res.headers.get('content-encoding')).toBe(coding);
        expect(await res.text()).toBe('plain bytes');
      }
    }
  });
});

describe('requests', () => {
  const echo = on('/echo', (s, head) => {
    const body = requestsSeen.at(-1)!.body;
    const out = JSON.stringify({ head, body });
    s.write(ok(out, 'content-type: application/json\r\n'));
  });

  test('text and byte bodies carry their UTF-8 Content-Length; a caller cannot set framing headers', async () => {
    const client = createHttpClient(direct);
    const text = '{"q":"grüße 🚀"}';
    const r1 = (await (await client.fetch(echo, {
      ...local, method: 'POST', body: text, headers: { 'content-type': 'application/json', 'content-length': '1', host: 'evil', 'transfer-encoding': 'chunked' },
    })).json()) as { head: string; body: string };
    expect(r1.body).toBe(text);
    expect(r1.head).toContain(`content-length: ${Buffer.byteLength(text)}`);
    expect(r1.head).toContain(`host: 127.0.0.1:${server.port}`);
    expect(r1.head).not.toContain('evil');
    // What fetch would add, unless the caller set it: accept, and a User-Agent naming the gateway.
    expect(r1.head).toContain('accept: */*');
    expect(r1.head).toMatch(/user-agent: Switchyard\/\d+\.\d+/);
    expect(r1.head.toLowerCase()).not.toContain('transfer-encoding');
    const r2 = (await (await client.fetch(echo, { ...local, method: 'POST', body: enc.encode(text) })).json()) as { body: string };
    expect(r2.body).toBe(text);
  });

  test('a header value with a line break is refused before anything is sent', async () => {
    const before = requestsSeen.length;
    const err = await caught(createHttpClient(direct).fetch(echo, { ...local, method: 'POST', body: '{}', headers: { 'x-a': 'b\r\nx-injected: 1' } }));
    expect(err.code).toBe('GW_INTERNAL');
    expect(requestsSeen.length).toBe(before);
  });

  test('a 2 MB body larger than the socket buffer is written whole', async () => {
    const body = 'x'.repeat(2 * 1024 * 1024);
    const r = (await (await createHttpClient(direct).fetch(echo, { ...local, method: 'POST', body })).json()) as { body: string };
    expect(r.body.length).toBe(body.length);
  });
});

describe('connections', () => {
  test('keep-alive: sequential requests share one connection; Connection: close is honoured', async () => {
    const keep = on('/keep', (s) => void s.write(ok('k')));
    const close = on('/close', (s) => void s.write(ok('c', 'connection: close\r\n')));
    const client = createHttpClient(direct);
    const before = connections;
    for (let i = 0; i < 5; i++) expect(await (await client.fetch(keep, local)).text()).toBe('k');
    expect(connections - before).toBe(1);
    expect(await (await client.fetch(close, local)).text()).toBe('c');
    expect(await (await client.fetch(keep, local)).text()).toBe('k');
    expect(connections - before).toBe(2);
    client.close?.();
  });

  test('Keep-Alive: timeout=1 is too short to pool; timeout=3 is reused', async () => {
    const short = on('/ka-short', (s) => void s.write(ok('s', 'keep-alive: timeout=1\r\n')));
    const long = on('/ka-long', (s) => void s.write(ok('l', 'keep-alive: timeout=3, max=100\r\n')));
    const client = createHttpClient(direct);
    let before = connections;
    for (let i = 0; i < 3; i++) expect(await (await client.fetch(short, local)).text()).toBe('s');
    expect(connections - before).toBe(3);
    before = connections;
    for (let i = 0; i < 3; i++) expect(await (await client.fetch(long, local)).text()).toBe('l');
    expect(connections - before).toBe(1);
  });

  test('with another request waiting, a write waits for the end of the turn: both are answered, and one aborted before then is never sent', async () => {
    const answer = on('/turn', (s) => void s.write(ok('t')));
    let parked: Socket<Conn> | undefined;
    const park = on('/turn-park', (s) => void (parked = s));
    const client = createHttpClient(direct);
    // Two pooled connections, and the SSRF verdict known: later requests begin in the caller's turn.
    await Promise.all([client.fetch(answer, local), client.fetch(answer, local)].map(async (r) => (await r).text()));
    const seen = requestsSeen.length;
    const waiting = client.fetch(park, local);
    const ctrl = new AbortController();
    const aborted = client.fetch(on('/turn-aborted', (s) => void s.write(ok('a'))), { ...local, signal: ctrl.signal });
    ctrl.abort(); // still in the turn that started it: its write has not gone out
    expect((await caught(aborted))?.code).toBe('GW_CLIENT_CLOSED');
    const second = client.fetch(on('/turn-second', (s) => void s.write(ok('s'))), local);
    await Bun.sleep(20);
    parked!.write(ok('p'));
    expect(await (await waiting).text()).toBe('p');
    expect(await (await second).text()).toBe('s');
    const paths = requestsSeen.slice(seen).map((r) => r.head.split(' ')[1]);
    expect(paths).toContain('/turn-park');
    expect(paths).toContain('/turn-second');
    expect(paths).not.toContain('/turn-aborted');
    client.close?.();
  });

  test('a pooled connection the server closed is replaced without the caller noticing', async () => {
    const url = on('/then-close', (s) => {
      s.write(ok('ok'));
      // The server drops the idle connection right after answering, as a keep-alive timeout does.
      setTimeout(() => s.end(), 5);
    });
    const client = createHttpClient(direct);
    expect(await (await client.fetch(url, local)).text()).toBe('ok');
    await Bun.sleep(30);
    expect(await (await client.fetch(url, local)).text()).toBe('ok');
  });

  test('a request whose connection dies unanswered on a reused socket is retried once, on a new connection', async () => {
    let n = 0;
    const url = on('/flaky', (s) => {
      if (++n === 2) return void s.terminate(); // the second request: dropped without a byte
      s.write(ok('ok'));
    });
    const client = createHttpClient(direct);
    expect(await (await client.fetch(url, local)).text()).toBe('ok');
    expect(await (await client.fetch(url, local)).text()).toBe('ok');
    expect(n).toBe(3);
  });

  test('a POST the server held a while on a reused socket, then dropped, is not sent again (it may have run)', async () => {
    let n = 0;
    const url = on('/slow-drop', async (s) => {
      if (++n === 2) {
        await Bun.sleep(400); // a slow generation a proxy then cuts
        return void s.terminate();
      }
      s.write(ok('ok'));
    });
    const client = createHttpClient(direct);
    const post = { ...local, method: 'POST', body: '{"prompt":"x"}', headers: { 'content-type': 'application/json' } };
    expect(await (await client.fetch(url, post)).text()).toBe('ok');
    const err = await caught(client.fetch(url, post));
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(n).toBe(2); // not a third time
  });

  test('the connection goes to the address the SSRF guard vetted, not to a second DNS answer', async () => {
    const url = on('/pinned', (s) => void s.write(ok('pinned')));
    // Only the guard's resolver knows this name: a connection that asked DNS again would fail.
    const client = createHttpClient({ ...direct, resolve: async (host) => (host === 'pinned.test' ? ['127.0.0.1'] : []) });
    const res = await client.fetch(url.replace('127.0.0.1', 'pinned.test'), local);
    expect(await res.text()).toBe('pinned');
    expect(requestsSeen.at(-1)!.head).toContain(`host: pinned.test:${server.port}`);
  });

  test('a vetted address that refuses the connection: the next one is tried', async () => {
    const url = on('/second', (s) => void s.write(ok('second')));
    // Nothing listens on 127.0.0.3; the server is on 127.0.0.1.
    const client = createHttpClient({ ...direct, resolve: async () => ['127.0.0.3', '127.0.0.1'] });
    expect(await (await client.fetch(url.replace('127.0.0.1', 'two.test'), local)).text()).toBe('second');
  });

  describe('an address that never answers (its listener is stopped and its accept queue full)', () => {
    let child: { pid: number } | undefined;
    const held: Array<Socket<unknown>> = [];
    beforeAll(async () => {
      // 127.0.0.2 on the test server's port, in a process that is then stopped: once its accept
      // queue is full the kernel drops further SYNs, so a connection attempt just hangs.
      const script = `Bun.listen({ hostname: '127.0.0.2', port: ${server.port}, socket: { data() {} } }); console.log('up'); setInterval(() => {}, 1e6);`;
      const listener = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'ignore' });
      child = listener;
      await listener.stdout.getReader().read();
      process.kill(listener.pid, 'SIGSTOP');
      for (let i = 0; i < 4096; i++) {
        const opened = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 150);
          void Bun.connect({
            hostname: '127.0.0.2', port: server.port,
            socket: { open: (sock) => void (clearTimeout(timer), held.push(sock), resolve(true)), data() {}, connectError: () => void (clearTimeout(timer), resolve(false)) },
          }).catch(() => resolve(false));
        });
        if (!opened) break;
      }
    });
    afterAll(() => {
      if (child) process.kill(child.pid, 'SIGKILL');
      for (const sock of held) sock.terminate();
    });

    test('the next vetted address is tried alongside it after 250 ms and serves; later connections try it first (Happy Eyeballs)', async () => {
      // `Connection: close`: every request needs a new connection.
      const url = on('/eyeballs', (s) => void s.write(ok('second address', 'connection: close\r\n')));
      const client = createHttpClient({ ...direct, resolve: async () => ['127.0.0.2', '127.0.0.1'] });
      const timed = async () => {
        const t0 = performance.now();
        const res = await client.fetch(url.replace('127.0.0.1', 'eyeballs.test'), { ...local, timeouts: { connectMs: 5000 } });
        expect(await res.text()).toBe('second address');
        return performance.now() - t0;
      };
      const first = await timed();
      expect(first).toBeGreaterThanOrEqual(240);
      expect(first).toBeLessThan(2000); // not the 5 s connect limit
      expect(await timed()).toBeLessThan(200); // the address that answered goes first now
      client.close?.();
    });

    test('when no address answers, the connect limit still ends the call', async () => {
      const client = createHttpClient({ ...direct, resolve: async () => ['127.0.0.2', '127.0.0.2'] });
      const t0 = performance.now();
      const err = await caught(client.fetch(`http://none.test:${server.port}/x`, { ...local, timeouts: { connectMs: 600 } }));
      expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
      expect(performance.now() - t0).toBeLessThan(1500);
    });
  });

  test('after a followed redirect the limits still run: a silent second hop times out', async () => {
    const silent = on('/silent', () => {});
    const url = on('/redirect-to-silent', (s) => void s.write(`HTTP/1.1 302 Found\r\nlocation: ${silent}\r\ncontent-length: 3\r\n\r\nbye`));
    const t0 = performance.now();
    const err = await caught(createHttpClient(direct).fetch(url, { ...local, timeouts: { firstByteMs: 200 } }));
    expect(err.code).toBe('GW_UPSTREAM_TIMEOUT');
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test('a fresh connection that dies unanswered fails as a retryable connect error', async () => {
    const url = on('/drop', (s) => void s.terminate());
    const err = await caught(createHttpClient(direct).fetch(url, { ...local, method: 'POST', body: '{}' }));
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(err.retryable).toBe(true);
  });

  test('connection refused is a retryable connect error', async () => {
    const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const err = await caught(createHttpClient(direct).fetch(`http://127.0.0.1:${port}/`, local));
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(err.message).toContain('connecting to');
  });

  test('a body cut short mid-stream errors the stream (connect error), not a clean end', async () => {
    const url = on('/cut', async (s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part');
      await Bun.sleep(10);
      s.terminate();
    });
    const res = await createHttpClient(direct).fetch(url, local);
    const err = await caught(res.text());
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
  });

  test('a transfer coding other than chunked (never offered) is a protocol error, not undecoded bytes', async () => {
    const url = on('/te-gzip', (s) => void s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n5\r\nxxxxx\r\n0\r\n\r\n'));
    const err = await caught(createHttpClient(direct).fetch(url, local));
    expect(err.code).toBe('GW_UPSTREAM_PROTOCOL');
    expect(err.message).toContain('Transfer-Encoding');
    const twice = on('/te-twice', (s) => void s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, chunked\r\n\r\n0\r\n\r\n'));
    expect((await caught(createHttpClient(direct).fetch(twice, local))).code).toBe('GW_UPSTREAM_PROTOCOL');
  });

  test('Transfer-Encoding and Content-Length together: chunked frames the body and the connection is not reused', async () => {
    const url = on('/te-cl', (s) => void s.write('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n6\r\nsix ok\r\n0\r\n\r\n'));
    const client = createHttpClient(direct);
    const before = connections;
    expect(await (await client.fetch(url, { ...local, stream: false })).text()).toBe('six ok');
    expect(await (await client.fetch(url, local)).text()).toBe('six ok');
    expect(connections - before).toBe(2);
    client.close?.();
  });

  test('garbage instead of a status line is a protocol error', async () => {
    const url = on('/garbage', (s) => void s.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const err = await caught(createHttpClient(direct).fetch(url, local));
    expect(err.code).toBe('GW_UPSTREAM_PROTOCOL');
    expect(err.retryable).toBe(true);
  });

  test('a slow reader pauses the socket; every byte still arrives in order', async () => {
    const total = 4 * 1024 * 1024;
    const payload = new Uint8Array(total).map((_, i) => i % 253);
    const url = on('/firehose', (s) => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${total}\r\n\r\n`);
      let at = 0;
      const pump = () => {
        while (at < total) {
          const n = s.write(payload.subarray(at, Math.min(total, at + 65_536)));
          if (n <= 0) return;
          at += n;
        }
      };
      (s.data as Conn & { pump?: () => void }).pump = pump;
      pump();
      const timer = setInterval(() => (at < total ? pump() : clearInterval(timer)), 2);
    });
    const res = await createHttpClient(direct).fetch(url, local);
    const reader = res.body!.getReader();
    const got: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      got.push(r.value);
      size += r.value.length;
      if (got.length % 8 === 0) await Bun.sleep(1);
    }
    expect(size).toBe(total);
    expect(sha(Buffer.concat(got))).toBe(sha(payload));
  });
});

describe('TLS', () => {
  const dir = join(import.meta.dir, '../../tests/fixtures/tls');
  const serveTls = (hostname: string) => Bun.serve({
    hostname,
    port: 0,
    tls: { key: Bun.file(join(dir, 'localhost-key.pem')), cert: Bun.file(join(dir, 'localhost-cert.pem')) },
    fetch: (req) => Response.json({ path: new URL(req.url).pathname, method: req.method }),
  });
  const tls = serveTls('127.0.0.1');
  // The certificate names localhost and 127.0.0.1 only: reached as 127.0.0.2, the name does not match.
  const otherName = serveTls('127.0.0.2');
  afterAll(() => {
    tls.stop(true);
    otherName.stop(true);
  });

  test('a certificate the machine does not trust is refused, with the reason', async () => {
    const err = await caught(createHttpClient(direct).fetch(`https://localhost:${tls.port}/x`, { ...local, method: 'POST', body: '{}' }));
    expect(err.code).toBe('GW_UPSTREAM_CONNECT');
    expect(err.message).toContain('SELF_SIGNED');
  });

  test('a trusted certificate (NODE_EXTRA_CA_CERTS) serves requests, pinned ones too; a wrong host name is refused', async () => {
    const script = `
      import { createHttpClient } from ${JSON.stringify(join(import.meta.dir, 'create-http-client.ts'))};
      const client = createHttpClient({ env: {} });
      const out = [];
      for (let i = 0; i < 3; i++) {
        const r = await client.fetch('https://localhost:${tls.port}/v1/x', { allowPrivateNetwork: true, method: 'POST', body: '{}' });
        out.push(await r.json());
      }
      const wrongName = await client.fetch('https://127.0.0.2:${otherName.port}/', { allowPrivateNetwork: true }).catch((e) => e.message);
      // A name pinned to the address the guard resolved: the certificate is checked for the name.
      const pinnedClient = createHttpClient({ env: {}, resolve: async () => ['127.0.0.2'] });
      const pinned = await (await pinnedClient.fetch('https://upstream.test:${otherName.port}/p', { allowPrivateNetwork: true })).json();
      console.log(JSON.stringify({ out, wrongName, pinned }));
      client.close();
      pinnedClient.close();`;
    const p = Bun.spawn([process.execPath, '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'localhost-cert.pem') }, stdout: 'pipe', stderr: 'pipe',
    });
    const [out, errText] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
    expect(errText).toBe('');
    const got = JSON.parse(out) as { out: unknown[]; wrongName: string; pinned: unknown };
    expect(got.pinned).toEqual({ path: '/p', method: 'GET' });
    expect(got.out).toEqual(Array(3).fill({ path: '/v1/x', method: 'POST' }));
    expect(got.wrongName).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
