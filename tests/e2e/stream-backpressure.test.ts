import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * A stream to a client that stops reading: the gateway stops reading the upstream instead of
 * buffering the reply, and once the client reads again every frame arrives, in order. Every
 * client stream: passthrough, translated with a part encoder (OpenAI client, Anthropic
 * upstream) and with a stream encoder (Anthropic client, OpenAI upstream). The
 * upstream produces its SSE frames only as its socket takes them, so the count it produced says
 * how much is in flight (socket buffers on the loopback hops and the gateway's own queues).
 */
const PAD = 'x'.repeat(4000);
/**
 * What the kernel may hold on the way, read off this machine: two loopback connections (upstream
 * to gateway, gateway to client), each with a send buffer and a receive buffer that autotuning
 * grows up to these limits (here 4 MB and 32 MB: up to 72 MB, so a fixed bound flaked under load).
 */
const tcpMax = (name: string, fallback: number) => {
  try {
    return Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]) || fallback;
  } catch {
    return fallback;
  }
};
const KERNEL_BYTES = 2 * (tcpMax('tcp_rmem', 32 << 20) + tcpMax('tcp_wmem', 4 << 20));
/** In flight while the client is stalled: the kernel's share, plus 16 MB for the gateway's and the client's own queues. */
const IN_FLIGHT_BYTES = KERNEL_BYTES + (16 << 20);
/** Twice what may be in flight, so a gateway that buffered the reply would be caught. */
const FRAMES = Math.ceil((2 * IN_FLIGHT_BYTES) / PAD.length);
let produced = 0;
let t: TestGateway;
let upstream: ReturnType<typeof Bun.serve>;

const openaiFrame = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"<${i}>${PAD}"},"finish_reason":null}]}\n\n`;
const openaiEnd = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
const anthropicStart = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
  + 'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
const anthropicFrame = (i: number) =>
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"<${i}>${PAD}"}}\n\n`;
const anthropicEnd = 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
  + 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}\n\n'
  + 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

/** An SSE body produced frame by frame, only as fast as it is read. */
function lazyStream(start: string, frame: (i: number) => string, end: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = -1;
  produced = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (i === -1) ctl.enqueue(enc.encode(start));
      else if (i === FRAMES) {
        ctl.enqueue(enc.encode(end));
        ctl.close();
        return;
      } else {
        ctl.enqueue(enc.encode(frame(i)));
        produced = i + 1;
      }
      i++;
    },
  }, { highWaterMark: 0 });
}

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const body = new URL(req.url).pathname.endsWith('/messages')
        ? lazyStream(anthropicStart, anthropicFrame, anthropicEnd)
        : lazyStream('', openaiFrame, openaiEnd);
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  const base = `http://127.0.0.1:${upstream.port}`;
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${base}/v1", keys: [sk-up-1234567], allow_private_network: true }
  claude: { type: anthropic, base_url: "${base}", keys: [sk-ant-1234567], allow_private_network: true }
`);
});
afterAll(async () => {
  await t.stop();
  upstream.stop(true);
});

describe('a client that stops reading pauses the upstream; every frame then arrives in order', () => {
  const lanes = [
    ['passthrough', '/v1/chat/completions', 'up/m', 'data: [DONE]'],
    ['translated (part encoder)', '/v1/chat/completions', 'claude/m', 'data: [DONE]'],
    ['translated (Anthropic client, stream encoder)', '/v1/messages', 'up/m', 'event: message_stop'],
  ] as const;
  for (const [lane, path, model, last] of lanes) {
    test(lane, async () => {
      const res = await t.fetch(path, {
        method: 'POST',
        headers: { 'anthropic-version': '2023-06-01' },
        json: { model, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'big' }] },
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      await Bun.sleep(600); // the client reads nothing for a while
      const whileStalled = produced;
      // Usually 12 to 25 MB here; up to 53 MB was seen under load.
      expect(whileStalled * PAD.length).toBeLessThan(IN_FLIGHT_BYTES);
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
        for (let m = /<(\d+)>/.exec(text); m; m = /<(\d+)>/.exec(text)) {
          expect(Number(m[1])).toBe(next++);
          text = text.slice(m.index + m[0].length);
        }
        if (text.includes(last)) done = true;
      }
      expect(next).toBe(FRAMES);
      expect(done).toBe(true);
    }, 20_000);
  }
});
