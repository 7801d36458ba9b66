import { expect, test } from 'bun:test';
import { readReplyJson, readReplyText } from './read-reply.ts';

const streamOf = (chunks: Uint8Array[], endless = false) => new ReadableStream<Uint8Array>({
  pull(c) {
    const next = chunks.shift();
    if (next) c.enqueue(next);
    else if (endless) c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    else c.close();
  },
});

test('a reply under the cap is read whole as UTF-8 text', async () => {
  const text = '{"ok":"héllo ✓"}';
  const bytes = new TextEncoder().encode(text);
  expect(await readReplyText(new Response(streamOf([bytes.slice(0, 5), bytes.slice(5)])), 'up', 1024)).toBe(text);
  expect(await readReplyText(new Response(null), 'up', 1024)).toBe('');
});

test('past the cap: a retryable 502 protocol error naming the upstream, and the body is cancelled', async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  });
  const err = await readReplyText(new Response(body), 'groq', 1 << 20).catch((e) => e);
  expect(err).toMatchObject({ code: 'GW_UPSTREAM_PROTOCOL', status: 502, retryable: true });
  expect(err.message).toContain('groq');
  expect(cancelled).toBe(true);
  // A declared length over the cap fails before reading.
  const declared = new Response(streamOf([], true), { headers: { 'content-length': String(2 << 20) } });
  expect(await readReplyText(declared, 'groq', 1 << 20).catch((e) => e.code)).toBe('GW_UPSTREAM_PROTOCOL');
});

test('readReplyJson: a JSON reply is parsed, across chunks', async () => {
  const bytes = new TextEncoder().encode('{"data":[{"embedding":[0.5,-1]}],"note":"é"}');
  const value = await readReplyJson(new Response(streamOf([bytes.slice(0, 7), bytes.slice(7, 30), bytes.slice(30)])), 'up', 1024);
  expect(value).toEqual({ data: [{ embedding: [0.5, -1] }], note: 'é' });
  expect(await readReplyJson(new Response('[1,null]'), 'up', 1024)).toEqual([1, null]);
});

test('readReplyJson: a reply that is not JSON is a retryable 502 protocol error naming the upstream', async () => {
  for (const body of ['<html>Bad gateway</html>', '{"data":', '', null]) {
    const err = await readReplyJson(new Response(body), 'cohere', 1024).catch((e) => e);
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_PROTOCOL', status: 502, retryable: true, message: 'Upstream cohere sent invalid JSON.' });
  }
});

test('readReplyJson: past the cap, the size error of readReplyText, and the body is cancelled', async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"a":"'));
    },
    pull(c) {
      c.enqueue(new Uint8Array(64 * 1024).fill(0x78));
    },
    cancel() {
      cancelled = true;
    },
  });
  const err = await readReplyJson(new Response(body), 'gemini', 1 << 20).catch((e) => e);
  expect(err).toMatchObject({ code: 'GW_UPSTREAM_PROTOCOL', status: 502, retryable: true, message: 'Upstream gemini sent a reply over 1 MB.' });
  expect(cancelled).toBe(true);
});
