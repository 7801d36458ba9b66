import { expect, test } from 'bun:test';
import type { ServerWebSocket } from 'bun';
import { createResponsesSocket, type ResponsesSocketData } from './responses-socket.ts';

/** A stream of `n` Responses events of ~64 KB each, counting how many were pulled. */
function bigStream(n: number): { body: ReadableStream<Uint8Array>; pulled(): number } {
  let i = 0;
  const pad = 'x'.repeat(64 * 1024);
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (i === n) {
        ctl.enqueue(new TextEncoder().encode(`data: {"type":"response.completed","response":{"id":"resp_1","output":[]}}\n\n`));
        return ctl.close();
      }
      ctl.enqueue(new TextEncoder().encode(`data: {"type":"response.output_text.delta","delta":"${pad}"}\n\n`));
      i++;
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => i };
}

test('a client that falls behind stops the stream being read; it goes on when the socket drains', async () => {
  const stream = bigStream(200); // ~13 MB
  const sockets = createResponsesSocket({
    dispatch: () => new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } }),
    refuse: () => undefined,
  });
  // A socket whose client reads nothing until told: what is sent stays buffered.
  let buffered = 0;
  const sent: string[] = [];
  const ws = {
    readyState: 1,
    data: { url: 'http://gw/v1/responses', headers: new Headers(), ip: undefined, queue: Promise.resolve() } as ResponsesSocketData,
    send(m: string) {
      sent.push(m);
      buffered += m.length;
      return m.length;
    },
    getBufferedAmount: () => buffered,
  } as unknown as ServerWebSocket<ResponsesSocketData>;
  sockets.websocket.message!(ws, JSON.stringify({ type: 'response.create', model: 'm', input: 'hi' }));
  await Bun.sleep(50);
  // Stopped at about the high-water mark (1 MB), far from the 13 MB the stream holds.
  expect(stream.pulled()).toBeLessThan(40);
  expect(buffered).toBeLessThan(3 * 1024 * 1024);
  const stalled = stream.pulled();
  await Bun.sleep(50);
  expect(stream.pulled()).toBe(stalled);
  // The client catches up each time the socket drains: the whole stream arrives, in order.
  while (!sent.at(-1)?.includes('response.completed')) {
    buffered = 0;
    sockets.websocket.drain!(ws);
    await Bun.sleep(1);
  }
  expect(sent).toHaveLength(201);
  expect(ws.data.last).toEqual({ id: 'resp_1', input: [{ type: 'message', role: 'user', content: 'hi' }], output: [] });
});
