import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startFastMock, type FastMock } from './fast-mock-upstream.ts';
import { isContentEvent, measureTtft, splitSse } from './ttft.ts';

const GAP = 40;
let mock: FastMock;
let buffering: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  mock = startFastMock({ gapMs: GAP });
  // A proxy that reads the whole upstream reply before answering: TTFT must expose it.
  buffering = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const up = await fetch(mock.url + new URL(req.url).pathname, { method: 'POST', body: await req.text() });
      return new Response(await up.arrayBuffer(), { headers: { 'content-type': 'text/event-stream' } });
    },
  });
});
afterAll(() => {
  void buffering.stop(true);
  mock.stop();
});

test('content events are told apart from preludes and terminators', () => {
  expect(isContentEvent('{"choices":[{"delta":{"role":"assistant","content":""}}]}')).toBe(false);
  expect(isContentEvent('{"choices":[{"delta":{"content":"Hi"}}]}')).toBe(true);
  expect(isContentEvent('{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}')).toBe(true);
  expect(isContentEvent('{"type":"message_start","message":{}}')).toBe(false);
  expect(isContentEvent('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}')).toBe(true);
  expect(isContentEvent('[DONE]')).toBe(false);
  expect(isContentEvent('not json')).toBe(false);
});

test('splitSse returns complete events and keeps the partial tail', () => {
  const { datas, rest } = splitSse('event: a\ndata: {"x":1}\n\ndata: [DONE]\r\n\r\ndata: {"y"');
  expect(datas).toEqual(['{"x":1}', '[DONE]']);
  expect(rest).toBe('data: {"y"');
});

const body = JSON.stringify({ model: 'bench-ttft', messages: [{ role: 'user', content: 'hi' }], stream: true });
const headers = { 'content-type': 'application/json' };

test('TTFT of the split stream is the first chunk, well before the gap', async () => {
  const r = await measureTtft(`${mock.url}/v1/chat/completions`, body, headers, 5, 1);
  expect(r.errors).toBe(0);
  expect(r.medianMs).toBeLessThan(GAP / 2);
});

test('a proxy that buffers the stream shows a TTFT of at least the gap', async () => {
  const r = await measureTtft(`http://127.0.0.1:${buffering.port}/v1/chat/completions`, body, headers, 3, 1);
  expect(r.errors).toBe(0);
  expect(r.medianMs).toBeGreaterThanOrEqual(GAP - 2);
});

test('a reply without a stream terminator counts as an error', async () => {
  const r = await measureTtft(`${mock.url}/v1/nope`, body, headers, 2, 0);
  expect(r.errors).toBe(2);
  expect(Number.isNaN(r.medianMs)).toBe(true);
});
