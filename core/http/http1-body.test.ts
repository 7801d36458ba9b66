import { describe, expect, test } from 'bun:test';
import { BodyFramer, type BodySink } from './http1-body.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Feeds `wire` in the given pieces; returns the body, how it ended, and the bytes after it. */
function frame(wire: string, cuts: number[], chunked: boolean, length = -1) {
  const bytes = enc.encode(wire);
  const framer = new BodyFramer();
  framer.start(chunked, length);
  let body = '';
  let ended: string | undefined;
  let rest = '';
  const sink: BodySink = {
    bodyBytes: (b) => void (body += dec.decode(b)),
    bodyEnd: () => void (ended = 'end'),
    bodyMalformed: (what) => void (ended = `malformed: ${what}`),
  };
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= at) continue;
    rest += dec.decode(framer.feed(bytes.subarray(at, cut), sink));
    at = cut;
  }
  return { body, ended, rest };
}

const CHUNKED = '6;ext=1\r\ndata: \r\n' + 'b\r\n{"a":"b"}\n\n\r\n' + '0\r\nx-trailer: t\r\n\r\n';

describe('BodyFramer', () => {
  test('chunked: the same body and end for every way the bytes are split', () => {
    const whole = frame(CHUNKED + 'NEXT', [], true);
    expect(whole).toEqual({ body: 'data: {"a":"b"}\n\n', ended: 'end', rest: 'NEXT' });
    for (let i = 0; i < 500; i++) {
      const cuts = Array.from({ length: 1 + (i % 7) }, () => Math.floor(Math.random() * CHUNKED.length)).sort((a, b) => a - b);
      expect(frame(CHUNKED, cuts, true)).toEqual({ body: 'data: {"a":"b"}\n\n', ended: 'end', rest: '' });
    }
  });

  test('Content-Length: stops at the length and hands back what follows', () => {
    expect(frame('hello world', [3, 4], false, 5)).toEqual({ body: 'hello', ended: 'end', rest: ' world' });
  });

  test('no length: everything is body, the end is the connection closing', () => {
    const framer = new BodyFramer();
    framer.start(false, -1);
    expect(framer.untilClose).toBe(true);
    expect(frame('all of it', [2], false)).toEqual({ body: 'all of it', ended: undefined, rest: '' });
  });

  test('broken framing is reported once and nothing more is read', () => {
    expect(frame('zz\r\nabc', [], true).ended).toBe('malformed: an invalid chunk size');
    expect(frame('3\r\nabcXY0\r\n\r\n', [], true)).toEqual({ body: 'abc', ended: 'malformed: a chunk without its line end', rest: '' });
    expect(frame('1'.repeat(5000), [], true).ended).toBe('malformed: a chunk line over 4 KB');
  });
});
