/**
 * The passthrough lane hands the client the upstream's own bytes, however TCP cuts them. A raw
 * upstream writes each seeded stream in random slices, one write per turn, cutting anywhere:
 * inside an SSE line, a CRLF, a UTF-8 sequence, a chunk-size line of the chunked framing. The
 * framing is chunked, Content-Length or close-delimited; line ends are LF or CRLF. The client
 * must get the very same bytes, less only the usage event when the gateway asked for it on its
 * own (the client did not ask for `include_usage`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Socket, TCPSocketListener } from 'bun';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { random } from '../helpers/json-fuzz.ts';

/** Seeds per run (`RC_SEEDS` for a longer hunt: 600 pass). */
const SEEDS = Number(process.env.RC_SEEDS ?? 40);
const TEXT = ['Hel', 'lo', ' wörld', ' 日本語', ' 😀', '👩‍💻', '\n', '"q"', '\\', ' data: x', '\u2028', 'é', ' [DONE]'];

/** One upstream reply: the SSE body (usage event included), that event, and how it goes on the wire. */
interface Reply {
  body: Buffer;
  usageEvent: string;
  framing: 'chunked' | 'length' | 'close';
  /** Byte slices, each its own write. */
  slices: Buffer[];
}

function randomReply(seed: number): Reply {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const eol = rnd() < 0.7 ? '\n' : '\r\n';
  const head = { id: 'chatcmpl-r', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp' };
  const event = (data: string) => `data: ${data}${eol}${eol}`;
  const chunk = (delta: object, finish: string | null = null) => event(JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }));
  let text = event(JSON.stringify({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
  for (let n = 1 + int(8); n > 0; n--) text += chunk({ content: Array.from({ length: 1 + int(3) }, () => TEXT[int(TEXT.length)]).join('') });
  text += chunk({}, 'stop');
  const usageEvent = event(JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 1 + int(50), total_tokens: 60 } }));
  text += usageEvent + event('[DONE]');
  const body = Buffer.from(text);
  const framing = (['chunked', 'length', 'close'] as const)[int(3)]!;
  const wire = framing === 'chunked' ? chunkedFraming(body, rnd) : body;
  const headers = [
    'HTTP/1.1 200 OK', 'Content-Type: text/event-stream',
    framing === 'chunked' ? 'Transfer-Encoding: chunked' : framing === 'length' ? `Content-Length: ${body.length}` : 'Connection: close',
  ];
  const all = Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`), wire]);
  // Cut anywhere, the head included.
  const slices: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const size = 1 + int(rnd() < 0.3 ? 4 : 90);
    slices.push(all.subarray(at, at + size));
    at += size;
  }
  return { body, usageEvent, framing, slices };
}

/** The body in chunked framing, chunks of random sizes (a chunk may end inside a character). */
function chunkedFraming(body: Buffer, rnd: () => number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const size = 1 + Math.floor(rnd() * 120);
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    at += size;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

let current: Reply;
let upstream: TCPSocketListener<{ buf: string }>;
let t: TestGateway;

/** Writes the current reply slice by slice once a whole request has arrived (a write per turn of the loop). */
async function answer(socket: Socket<{ buf: string }>): Promise<void> {
  const reply = current;
  for (const slice of reply.slices) {
    socket.write(slice);
    await Bun.sleep(0);
  }
  if (reply.framing === 'close') socket.end();
}

beforeAll(async () => {
  upstream = Bun.listen<{ buf: string }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = { buf: '' };
      },
      data(s, bytes) {
        s.data.buf += bytes.toString('latin1');
        const end = s.data.buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(s.data.buf.slice(0, end))?.[1] ?? 0);
        if (s.data.buf.length < end + 4 + length) return;
        s.data.buf = '';
        void answer(s);
      },
    },
  });
  t = await startTestGateway(`providers:
  oai: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-oai-0000001], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.stop();
  upstream?.stop(true);
});

describe('passthrough: the upstream\'s bytes, whatever the cuts', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed}`, async () => {
      current = randomReply(seed);
      for (const includeUsage of [true, false]) {
        const res = await t.fetch('/v1/chat/completions', {
          method: 'POST',
          json: { model: 'oai/m', stream: true, messages: [{ role: 'user', content: 'hi' }], ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
        });
        expect(res.status).toBe(200);
        const got = Buffer.from(await res.arrayBuffer()).toString('utf8');
        const want = current.body.toString('utf8');
        expect({ framing: current.framing, includeUsage, got }).toEqual({
          framing: current.framing, includeUsage, got: includeUsage ? want : want.replace(current.usageEvent, ''),
        });
      }
    });
  }
});
