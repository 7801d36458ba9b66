import { describe, expect, test } from 'bun:test';
import { exceedsDepth, readJsonBody } from './read-json-body.ts';

/** The straightforward scan, character by character: the reference for the fast one. */
function referenceDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > max) return true;
    } else if (c === '}' || c === ']') depth--;
  }
  return false;
}

function post(body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request {
  return new Request('http://localhost/v1/chat/completions', { method: 'POST', body, headers });
}

describe('exceedsDepth', () => {
  test('agrees with the character-by-character scan on random JSON-like text', () => {
    // Brackets, quotes and runs of backslashes mixed: every escaping case, balanced or not.
    const alphabet = ['[', ']', '{', '}', '"', '\\', '\\\\', '\\"', 'a', ',', ':', ' ', '"x"'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let deepOnes = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const len = 1 + rand(60);
      for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
      const expected = referenceDepth(text, 3);
      if (expected) deepOnes++;
      expect({ text, deep: exceedsDepth(text, 3) }).toEqual({ text, deep: expected });
    }
    expect(deepOnes).toBeGreaterThan(500);
  });

  test('brackets inside strings do not count; escaped quotes do not end a string', () => {
    expect(exceedsDepth(JSON.stringify({ a: '[[[[[[', b: 'say \\"[[[[', c: 'x\\' }), 2)).toBe(false);
    expect(exceedsDepth('[[["a\\\\"]]]', 2)).toBe(true);
    expect(exceedsDepth('[["a\\"]]]]"]', 2)).toBe(false);
  });
});

describe('readJsonBody', () => {
  test('parses a JSON body', async () => {
    expect(await readJsonBody(post('{"model":"m","n":[1,{"x":"é"}]}'), 1000)).toEqual({ model: 'm', n: [1, { x: 'é' }] });
  });

  test('refuses invalid UTF-8, but not a real U+FFFD character', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('{"a":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    await expect(readJsonBody(post(bad), 1000)).rejects.toMatchObject({ code: 'GW_INVALID_UTF8', status: 400 });
    expect(await readJsonBody(post('{"a":"\uFFFD"}'), 1000)).toEqual({ a: '\uFFFD' });
  });

  test('UTF-8 is refused exactly where a fatal TextDecoder refuses it; a byte order mark is dropped', async () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const cases: number[][] = [
      [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf0, 0x80, 0x80, 0xaf], // overlong forms
      [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], // UTF-16 surrogates
      [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], // past U+10FFFF
      [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xbf], // cut short, a lone continuation byte
      [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbf, 0xbd], [0xf4, 0x8f, 0xbf, 0xbf], // valid
    ];
    for (const seq of cases) {
      const bytes = new Uint8Array([...new TextEncoder().encode('{"a":"'), ...seq, ...new TextEncoder().encode('"}')]);
      let decoded: string | undefined;
      try {
        decoded = fatal.decode(bytes);
      } catch {
        // invalid
      }
      if (decoded === undefined) await expect(readJsonBody(post(bytes), 1000)).rejects.toMatchObject({ code: 'GW_INVALID_UTF8', status: 400 });
      else expect(await readJsonBody(post(bytes), 1000)).toEqual(JSON.parse(decoded));
    }
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":"é"}')]);
    expect(await readJsonBody(post(bom), 1000)).toEqual({ a: 'é' });
  });

  test('refuses nesting deeper than 64, empty and malformed bodies, and bodies over the limit', async () => {
    await expect(readJsonBody(post(`{"a":${'['.repeat(65)}${']'.repeat(65)}}`), 1000)).rejects.toMatchObject({ code: 'GW_TOO_DEEP' });
    expect(await readJsonBody(post(`${'['.repeat(64)}${']'.repeat(64)}`), 1000)).toBeArray();
    await expect(readJsonBody(post(''), 1000)).rejects.toMatchObject({ code: 'GW_INVALID_JSON' });
    await expect(readJsonBody(post('{"a":'), 1000)).rejects.toMatchObject({ code: 'GW_INVALID_JSON' });
    await expect(readJsonBody(post('{"a":"' + 'x'.repeat(2000) + '"}'), 1000)).rejects.toMatchObject({ code: 'GW_BODY_TOO_LARGE' });
  });

  test('a body without Content-Length is read across chunks, and refused once it passes the limit, unread beyond', async () => {
    const bytes = new TextEncoder().encode('{"model":"m","x":"é"}');
    const at = bytes.indexOf(0xc3) + 1; // inside the two bytes of the é
    const split = streamed([bytes.slice(0, 5), bytes.slice(5, at), bytes.slice(at)]);
    expect(await readJsonBody(post(split.body), 1000)).toEqual({ model: 'm', x: 'é' });
    const endless = streamed([], true);
    const err = await readJsonBody(post(endless.body), 2 << 20).catch((e) => e);
    expect(err).toMatchObject({ code: 'GW_BODY_TOO_LARGE', status: 413, message: 'The request body exceeds the limit of 2 MB.' });
    expect(endless.cancelled()).toBe(true);
    expect(endless.pulled()).toBe(33);
  });

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    const body = streamed([new TextEncoder().encode('{}')]);
    const req = post(body.body, { 'content-length': '1500' });
    await expect(readJsonBody(req, 1000)).rejects.toMatchObject({ code: 'GW_BODY_TOO_LARGE', message: 'The request body exceeds the limit of 1000 bytes.' });
    expect(body.pulled()).toBe(0);
  });
});

describe('compressed bodies (Content-Encoding)', () => {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  const json = JSON.stringify({ model: 'gpt-5', input: [{ role: 'user', content: 'héllo 😀' }] });
  const codings: Record<string, (b: Buffer) => Buffer> = {
    gzip: (b) => zlib.gzipSync(b), 'x-gzip': (b) => zlib.gzipSync(b), deflate: (b) => zlib.deflateSync(b),
    br: (b) => zlib.brotliCompressSync(b), zstd: (b) => zlib.zstdCompressSync(b),
  };

  test('each coding the gateway knows is decoded, whatever its case; identity is nothing', async () => {
    for (const [name, encode] of Object.entries(codings)) {
      const body = new Uint8Array(encode(Buffer.from(json)));
      expect(await readJsonBody(post(body, { 'content-encoding': name.toUpperCase() }), 10_000)).toEqual(JSON.parse(json));
    }
    expect(await readJsonBody(post(json, { 'content-encoding': 'identity' }), 10_000)).toEqual(JSON.parse(json));
  });

  test('several codings are undone last first', async () => {
    const body = new Uint8Array(zlib.zstdCompressSync(zlib.gzipSync(Buffer.from(json))));
    expect(await readJsonBody(post(body, { 'content-encoding': 'gzip, zstd' }), 10_000)).toEqual(JSON.parse(json));
  });

  test('what it inflates to counts against the limit: a small bomb is 413', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 << 20, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const err = await readJsonBody(post(new Uint8Array(bomb), { 'content-encoding': 'gzip' }), 1 << 20).catch((e) => e);
    expect(err).toMatchObject({ code: 'GW_BODY_TOO_LARGE', status: 413 });
  });

  test('an unknown coding is 415, a body that does not decode 400', async () => {
    for (const name of ['compress', 'constructor', '__proto__']) {
      await expect(readJsonBody(post(json, { 'content-encoding': name }), 10_000)).rejects.toMatchObject({ code: 'GW_UNSUPPORTED', status: 415 });
    }
    await expect(readJsonBody(post(json, { 'content-encoding': 'zstd' }), 10_000)).rejects.toMatchObject({ code: 'GW_INVALID_JSON', status: 400 });
    const truncated = new Uint8Array(zlib.gzipSync(Buffer.from(json)).subarray(0, 20));
    await expect(readJsonBody(post(truncated, { 'content-encoding': 'gzip' }), 10_000)).rejects.toMatchObject({ code: 'GW_INVALID_JSON', status: 400 });
  });
});

/** A body stream of `chunks`, then 64 KiB chunks of spaces for ever when `endless`. */
function streamed(chunks: Uint8Array[], endless = false) {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks.shift();
      if (next) c.enqueue(next);
      else if (endless) c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      else return c.close();
      pulled++;
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => pulled, cancelled: () => cancelled };
}
