import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * A passthrough stream to a client that stops reading: the gateway stops reading the upstream
 * instead of buffering the reply, and once the client reads again every frame arrives, in
 * order. The upstream produces its SSE frames only as its socket takes them, so the count it
 * produced says how much is in flight (socket buffers on three loopback hops, a few MB).
 */
const FRAMES = 24_000;
const PAD = 'x'.repeat(4000);
let produced = 0;
let t: TestGateway;
let upstream: ReturnType<typeof Bun.serve>;

const frame = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"<${i}>${PAD}"},"finish_reason":null}]}\n\n`;

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch() {
      let i = 0;
      const enc = new TextEncoder();
      return new Response(new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (i === FRAMES) {
            ctl.enqueue(enc.encode('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'));
            ctl.close();
            return;
          }
          ctl.enqueue(enc.encode(frame(i++)));
          produced = i;
        },
      }, { highWaterMark: 0 }), { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-up-1234567], allow_private_network: true }
`);
});
afterAll(async () => {
  await t.stop();
  upstream.stop(true);
});

test('a client that stops reading pauses the upstream; every frame then arrives in order', async () => {
  const res = await t.fetch('/v1/chat/completions', {
    method: 'POST',
    json: { model: 'up/m', stream: true, stream_options: { include_usage: false }, messages: [{ role: 'user', content: 'big' }] },
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  await Bun.sleep(600); // the client reads nothing for a while
  const whileStalled = produced;
  // 24 000 frames are ~98 MB: far more than every socket buffer on the way can hold (~13 MB here).
  expect(whileStalled).toBeLessThan(FRAMES / 2);
  await Bun.sleep(300);
  expect(produced - whileStalled).toBeLessThan(200); // and it stays paused

  const dec = new TextDecoder();
  let text = dec.decode(first.value, { stream: true });
  let next = 0;
  let done = false;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    text += dec.decode(r.value, { stream: true });
    for (let m = /<(\d+)>/g.exec(text); m; m = /<(\d+)>/g.exec(text)) {
      expect(Number(m[1])).toBe(next++);
      text = text.slice(m.index + m[0].length);
    }
    if (text.includes('data: [DONE]')) done = true;
  }
  expect(next).toBe(FRAMES);
  expect(done).toBe(true);
});
