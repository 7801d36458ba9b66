/**
 * The SSE byte helpers under every split (seeded, so a failure replays), on streams with LF,
 * CRLF or CR line ends, a BOM, comments, `id:`/`retry:`, `event:` names and data with multi-byte
 * characters, multi-line `data:`, `data:` without its space:
 * - the parser yields the same events whatever the reads are (one byte each included);
 * - the passthrough lane's hold (`eventEndIn`, as `passthroughBody` uses it) never keeps a
 *   whole event back: after every read, what it holds has no blank line, and at the end of a
 *   stream of whole events it holds nothing. A CRLF CRLF spread over three or four reads was
 *   missed (held until the next event's end).
 */
import { expect, test } from 'bun:test';
import { afterLastEvent, createSseParser, eventEndIn, type SseEvent } from '../../core/util/sse.ts';
import { rng } from '../helpers/json-fuzz.ts';

const enc = new TextEncoder();

/** A stream of `n` events with the given line end and random optional fields. */
function stream(r: (n: number) => number, eol: string, n: number): string {
  let s = r(5) === 0 ? '\uFEFF' : '';
  for (let k = 0; k < n; k++) {
    if (r(3) === 0) s += `: comment é${eol}`;
    if (r(2)) s += `event:${r(2) ? ' ' : ''}ev😀${k}${eol}`;
    if (r(3) === 0) s += `id: ${k}${eol}retry: 5${eol}`;
    s += `data:${r(2) ? ' ' : ''}{"t":"é日😀${k}"}${eol}`;
    if (r(3) === 0) s += `data: second line${eol}`;
    s += eol;
  }
  return s;
}

/** Feeds `bytes` in random pieces of 1–`max` bytes. */
function pieces(r: (n: number) => number, bytes: Uint8Array, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < bytes.length;) {
    const step = 1 + r(max);
    out.push(bytes.subarray(k, k + step));
    k += step;
  }
  return out;
}

for (const eol of ['\n', '\r\n', '\r']) {
  const name = JSON.stringify(eol);
  test(`the parser gives the same events for any split (${name})`, () => {
    const r = rng(eol.length * 7 + eol.charCodeAt(0));
    for (let i = 0; i < 1500; i++) {
      const n = 1 + r(5);
      const bytes = enc.encode(stream(r, eol, n));
      const whole = createSseParser();
      const expected = [...whole.push(bytes), ...whole.end()];
      expect(expected).toHaveLength(n);
      const p = createSseParser();
      const got: SseEvent[] = [];
      for (const piece of pieces(r, bytes, 7)) got.push(...p.push(piece));
      got.push(...p.end());
      expect(got).toEqual(expected);
    }
  });

  test(`the passthrough hold keeps no whole event back, whatever the reads (${name})`, () => {
    const r = rng(100 + eol.length * 7 + eol.charCodeAt(0));
    for (let i = 0; i < 1500; i++) {
      const bytes = enc.encode(stream(r, eol, 1 + r(5)));
      let held: Uint8Array[] = [];
      let sent = 0;
      for (const piece of pieces(r, bytes, i % 2 === 0 ? 2 : 5)) {
        const cut = eventEndIn(piece, held);
        if (cut === 0) {
          held.push(piece);
        } else {
          sent += held.reduce((n, h) => n + h.length, 0) + cut;
          held = cut < piece.length ? [piece.subarray(cut)] : [];
        }
        expect(afterLastEvent(Buffer.concat(held))).toBe(0);
      }
      expect(held.reduce((n, h) => n + h.length, 0)).toBe(0);
      expect(sent).toBe(bytes.length);
    }
  });
}

test('a CRLF CRLF over four reads of one byte each ends the event at its last byte', () => {
  const held = [enc.encode('data: {}'), enc.encode('\r'), enc.encode('\n'), enc.encode('\r')];
  expect(eventEndIn(enc.encode('\n'), held)).toBe(1);
  expect(eventEndIn(enc.encode('\n'), [enc.encode('data: {}\r'), enc.encode('\n\r')])).toBe(1);
});
