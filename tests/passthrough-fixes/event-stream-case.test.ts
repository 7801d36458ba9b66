/**
 * An upstream that names its stream `Text/Event-Stream` (media types are case-insensitive) is an
 * SSE stream all the same: keep-alives while it is silent, whole events only.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;
const chunk = (text: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const done = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    fetch() {
      const enc = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(enc.encode(chunk('first')));
          await Bun.sleep(450);
          c.enqueue(enc.encode(chunk('second') + done));
          c.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'Text/Event-Stream; Charset=UTF-8' } });
    },
  });
  t = await startTestGateway(`
server: { keepalive_ms: 100 }
providers:
  up: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-up-0000000001], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.gw.stop(0);
  upstream?.stop(true);
});

test('keep-alive comments go out while an upstream that wrote Text/Event-Stream is silent', async () => {
  const res = await fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'up/m', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await res.text();
  expect(text).toContain('"first"');
  expect(text).toContain('"second"');
  expect(text).toContain(': keep-alive');
  expect(text.indexOf(': keep-alive')).toBeGreaterThan(text.indexOf('"first"'));
});
