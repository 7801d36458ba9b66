/**
 * The passthrough lane sends whole SSE events only: a read that ends inside an event keeps that
 * event's start back until its blank line arrives. An upstream that writes a byte at a time
 * (or a proxy that splits its writes) spreads a CRLF CRLF blank line over up to four reads:
 * the event must leave as soon as its last byte is read, not wait for the next event's end.
 *
 * Each test writes the first content event one byte per read, then makes the upstream wait
 * until the client has that event (at most 2 s): a gateway that held it back lets the wait
 * run out.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { bytewise, cutAt, MODEL, NATIVE, rawRequest, startEdgeGateway, upstreamStream, type EdgeGateway, type Format, type Step } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

const crlf = (s: string) => s.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n');

/** The stream of `format` with CRLF line ends, cut after the event that holds the first text ("First"). */
function around(format: Format): { before: string; first: string; after: string } {
  const all = crlf(upstreamStream(format, { text: ['First', ' second'], finish: 'stop', usage: { input: 3, output: 2 } }));
  const at = all.indexOf('First');
  const start = all.lastIndexOf('\r\n\r\n', at) + 4;
  const end = all.indexOf('\r\n\r\n', at) + 4;
  return { before: all.slice(0, start), first: all.slice(start, end), after: all.slice(end) };
}

/**
 * Plays `before`, then `first` in the given pieces, then waits for the client to read the
 * event's text (or 2 s), then the rest. Answers whether the client had it before the wait
 * ran out, and the bytes it got.
 */
async function play(format: Format, pieces: (first: string) => Step[]): Promise<{ inTime: boolean; body: string; expected: string }> {
  const { before, first, after } = around(format);
  let reached!: () => void;
  const clientHasIt = new Promise<void>((resolve) => (reached = resolve));
  const waited = Promise.race([clientHasIt.then(() => true), Bun.sleep(2000).then(() => false)]);
  g.next({ steps: [...(before ? [before] : []), ...pieces(first), { until: waited }, after], gapMs: 2 });
  const res = await rawRequest(g, NATIVE[format], MODEL[format]);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let body = '';
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    body += dec.decode(r.value, { stream: true });
    if (body.includes('First')) reached();
  }
  return { inTime: await waited, body, expected: before + first + after };
}

for (const format of ['chat', 'anthropic', 'responses', 'gemini'] as const) {
  test(`${NATIVE[format]} ← ${format} (passthrough): an event written a byte at a time leaves at its last byte`, async () => {
    const { inTime, body, expected } = await play(format, bytewise);
    expect(body).toBe(expected);
    expect(inTime).toBe(true);
  }, 15_000);

  test(`${NATIVE[format]} ← ${format} (passthrough): a CRLF CRLF blank line split over three reads ("\\r", "\\n\\r", "\\n")`, async () => {
    const { inTime, body, expected } = await play(format, (first) => cutAt(first, [first.length - 4, first.length - 3, first.length - 1]));
    expect(body).toBe(expected);
    expect(inTime).toBe(true);
  }, 15_000);
}
