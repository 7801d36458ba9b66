/**
 * An upstream that goes silent in the middle of an event (inside a text delta, a multi-byte
 * character, a tool call's arguments) for longer than the keep-alive interval: the gateway's
 * keep-alive frames go out meanwhile, but never inside an event. On the passthrough lane the
 * bytes are the upstream's plus whole keep-alive frames between its events; every SDK reads
 * its stream on all 16 lanes.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { ask, DIALECTS, FORMATS, MODEL, NATIVE, rawStream, startEdgeGateway, upstreamStream, type EdgeGateway, type Step } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway('server: { keepalive_ms: 25 }\n');
});
afterAll(async () => {
  await g?.stop();
});

const FRAME = { 'openai-chat': ': keep-alive\n\n', 'anthropic-messages': ': keep-alive\n\n', 'openai-responses': ': keep-alive\n\n', gemini: '\r\n' } as const;

/**
 * Checks that `raw` is the upstream's `stream` with keep-alive `frame`s only between its events
 * (each event ends with `eventEnd`); returns how many frames there were.
 */
function betweenEvents(raw: string, stream: string, eventEnd: string, frame: string): number {
  let pos = 0;
  let frames = 0;
  const skipFrames = () => {
    while (raw.startsWith(frame, pos)) {
      pos += frame.length;
      frames++;
    }
  };
  for (const event of stream.split(eventEnd).filter(Boolean)) {
    skipFrames();
    expect(raw.slice(pos, pos + event.length + eventEnd.length)).toBe(event + eventEnd);
    pos += event.length + eventEnd.length;
  }
  skipFrames();
  expect(pos).toBe(raw.length);
  return frames;
}

for (const f of FORMATS) {
  const stream = upstreamStream(f, {
    reasoning: ['hmm'], text: ['Hello ', 'wörld'], calls: [{ id: 'call_1', name: 'lookup', args: ['{"q":', '"x"}'] }], finish: 'tool', usage: { input: 3, output: 4 },
  });
  // Silences inside "ö" and inside the arguments (Gemini: the call's chunk), each longer than the
  // keep-alive sweeper's tick (250 ms), so each gets at least one frame.
  const cuts = [Buffer.byteLength(stream.slice(0, stream.indexOf('wörld') + 1)) + 1, Buffer.byteLength(stream.slice(0, stream.indexOf('"x')))];
  const bytes = Buffer.from(stream);
  const steps: Step[] = [];
  let from = 0;
  for (const c of cuts) {
    steps.push(bytes.subarray(from, c), { pauseMs: 280 });
    from = c;
  }
  steps.push(bytes.subarray(from));

  for (const d of DIALECTS) {
    test(`${d} ← ${f}${d === NATIVE[f] ? ' (passthrough)' : ''}: keep-alive frames only between events`, async () => {
      if (d === NATIVE[f]) {
        g.next({ steps });
        const raw = Buffer.from(await rawStream(g, d, MODEL[f])).toString();
        expect(betweenEvents(raw, stream, f === 'gemini' ? '\r\n\r\n' : '\n\n', FRAME[d])).toBeGreaterThanOrEqual(2);
      }
      g.next({ steps });
      const seen = await ask(g, d, MODEL[f]);
      expect(seen.text).toBe('Hello wörld');
      expect(seen.calls.map((c) => c.args)).toEqual([{ q: 'x' }]);
    }, 10_000);
  }
}
