import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { afterLastEvent, createSseParser, encodeSse, eventEndAfter, MAX_SSE_EVENT_CHARS, type SseEvent } from './sse.ts';

const FIXTURES = `${import.meta.dir}/../../../shared/fixtures`;
const enc = new TextEncoder();

/** Parses `bytes` fed as the given pieces. */
function parseSplit(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const p = createSseParser();
  const out: SseEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...p.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...p.end());
  return out;
}

function parseAll(text: string): SseEvent[] {
  return parseSplit(enc.encode(text), []);
}

describe('createSseParser', () => {
  test('LF, CRLF and CR line ends give the same events', () => {
    const lf = 'event: a\ndata: one\ndata: two\nid: 7\n\ndata: three\n\n';
    const expected: SseEvent[] = [
      { event: 'a', data: 'one\ntwo', id: '7' },
      { data: 'three' },
    ];
    expect(parseAll(lf)).toEqual(expected);
    expect(parseAll(lf.replaceAll('\n', '\r\n'))).toEqual(expected);
    expect(parseAll(lf.replaceAll('\n', '\r'))).toEqual(expected);
  });

  test('comments, unknown fields, retry and field without colon', () => {
    const text = ': keep-alive\nretry: 100\nfoo: bar\ndata\n\n:only a comment\n\ndata:x\n\n';
    expect(parseAll(text)).toEqual([{ data: '' }, { data: 'x' }]);
  });

  test('only one leading space is removed; colons inside values stay', () => {
    expect(parseAll('data:  two spaces: yes\n\n')).toEqual([{ data: ' two spaces: yes' }]);
  });

  test('event without data is not dispatched and its type does not leak', () => {
    expect(parseAll('event: ping\n\ndata: d\n\n')).toEqual([{ data: 'd' }]);
  });

  test('id with NUL is ignored; BOM at start is skipped', () => {
    expect(parseAll('\uFEFFid: a\0b\ndata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  test('pending event without its blank line is flushed on end()', () => {
    expect(parseAll('data: {"a":1}\n')).toEqual([{ data: '{"a":1}' }]);
    expect(parseAll('data: tail')).toEqual([{ data: 'tail' }]);
  });

  test('CR at a chunk end followed by LF in the next chunk is one line end', () => {
    const p = createSseParser();
    const out = [...p.push('data: a\r'), ...p.push('\n'), ...p.push('\r\n'), ...p.push('data: b\r\n\r\n')];
    expect(out).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  test('CR at a chunk end then text without line end then LF', () => {
    const p = createSseParser();
    const out = [...p.push('data: a\r'), ...p.push('data: b'), ...p.push('\n\n')];
    // a CR ends the first line; "data: b" is a second data line of the same event.
    expect(out).toEqual([{ data: 'a\nb' }]);
  });

  test('multi-byte characters split anywhere decode correctly', () => {
    const text = 'data: héllo → 世界 🎉\n\ndata: ok\n\n';
    const bytes = enc.encode(text);
    for (let i = 1; i < bytes.length; i++) {
      expect(parseSplit(bytes, [i])).toEqual([{ data: 'héllo → 世界 🎉' }, { data: 'ok' }]);
    }
    const every = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(parseSplit(bytes, every)).toEqual([{ data: 'héllo → 世界 🎉' }, { data: 'ok' }]);
  });

  for (const name of ['chat-stream-include-usage.sse', 'chat-stream-tool-calls.sse', 'chat-stream-openapi-example.sse']) {
    test(`fixture ${name}: same events for every split point (and CRLF form)`, () => {
      const text = readFileSync(`${FIXTURES}/openai/${name}`, 'utf8');
      const bytes = enc.encode(text);
      const whole = parseSplit(bytes, []);
      const dataLines = text.split('\n').filter((l) => l.startsWith('data: ')).length;
      expect(whole.length).toBe(dataLines);
      for (const e of whole) {
        if (e.data !== '[DONE]') expect(() => JSON.parse(e.data)).not.toThrow();
      }
      for (let i = 1; i < bytes.length; i++) expect(parseSplit(bytes, [i])).toEqual(whole);
      const crlf = enc.encode(text.replaceAll('\n', '\r\n'));
      for (let i = 1; i < crlf.length; i += 7) expect(parseSplit(crlf, [i, Math.min(i + 3, crlf.length)])).toEqual(whole);
    });
  }

  test('anthropic fixture keeps event names', () => {
    const text = readFileSync(`${FIXTURES}/anthropic/stream-text.sse`, 'utf8');
    const events = parseAll(text);
    expect(events[0].event).toBe('message_start');
    expect(events.at(-1)?.event).toBe('message_stop');
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
  });
});

describe('encodeSse', () => {
  test('single line, with and without event', () => {
    expect(encodeSse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(encodeSse('{"a":1}', 'message_start')).toBe('event: message_start\ndata: {"a":1}\n\n');
  });

  test('multi-line data round-trips through the parser', () => {
    for (const data of ['a\nb', 'a\r\nb\rc', '\n', '', 'x\n\ny']) {
      const frame = encodeSse(data, 'e');
      expect(parseAll(frame)).toEqual([{ event: 'e', data: data.replace(/\r\n|\r/g, '\n') }]);
    }
  });
});

test('throughput (reported, loosely bounded)', () => {
  const chunk = readFileSync(`${FIXTURES}/openai/chat-stream-include-usage.sse`);
  const reps = Math.ceil((8 * 1024 * 1024) / chunk.length);
  const big = new Uint8Array(chunk.length * reps);
  for (let i = 0; i < reps; i++) big.set(chunk, i * chunk.length);
  const perCopy = chunk.toString('utf8').split('\n').filter((l) => l.startsWith('data: ')).length;
  const p = createSseParser();
  let n = 0;
  const t0 = performance.now();
  for (let off = 0; off < big.length; off += 16384) n += p.push(big.subarray(off, off + 16384)).length;
  n += p.end().length;
  const ms = performance.now() - t0;
  const mbps = big.length / 1024 / 1024 / (ms / 1000);
  console.log(`sse parser: ${mbps.toFixed(0)} MB/s, ${((n / ms) * 1000).toFixed(0)} events/s`);
  expect(n).toBe(reps * perCopy);
  expect(mbps).toBeGreaterThan(20);
});

test('afterLastEvent finds the end of the last whole event, for LF, CRLF and CR line ends', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  expect(afterLastEvent(enc('data: a\n\ndata: b'))).toBe(9);
  expect(afterLastEvent(enc('data: a\n\n'))).toBe(9);
  expect(afterLastEvent(enc('data: a\r\n\r\ndata: b\r\n'))).toBe(11);
  expect(afterLastEvent(enc('data: a\r\rdata'))).toBe(9);
  expect(afterLastEvent(enc('data: a\n'))).toBe(0);
});

/** The first blank line's end at or after `from`, byte by byte: what `eventEndAfter` must agree with. */
function eventEndByBytes(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    if (b[i] === 0x0a && b[i + 1] === 0x0a) return i + 2;
    if (b[i] === 0x0d && b[i + 1] === 0x0a && b[i + 2] === 0x0d && b[i + 3] === 0x0a) return i + 4;
    if (b[i] === 0x0d && b[i + 1] === 0x0d) return i + 2;
  }
  return b.length;
}

test('eventEndAfter finds the first blank line from any start, whatever the line ends (a byte-by-byte scan agrees)', () => {
  expect(eventEndAfter(enc.encode('data: a\n\ndata: b\n\n'), 0)).toBe(9);
  expect(eventEndAfter(enc.encode('data: a\n\ndata: b\n\n'), 9)).toBe(18);
  expect(eventEndAfter(enc.encode('data: a\r\n\r\ndata: b'), 0)).toBe(11);
  expect(eventEndAfter(enc.encode('data: a\r\rdata'), 0)).toBe(9);
  expect(eventEndAfter(enc.encode('data: a\n'), 0)).toBe(8);
  // Random mixes of the three line ends and text, every start: the same answer as the byte scan.
  const pieces = ['\n', '\r', '\r\n', 'a', 'data: x', ':', ' '];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 3000; n++) {
    let s = '';
    for (let k = Math.floor(next() * 12); k > 0; k--) s += pieces[Math.floor(next() * pieces.length)];
    const b = enc.encode(s);
    for (let from = 0; from <= b.length; from++) expect(eventEndAfter(b, from)).toBe(eventEndByBytes(b, from));
  }
});

describe('createSseParser: an upstream that never ends a line cannot grow memory', () => {
  const big = 'x'.repeat(4 * 1024 * 1024);
  const pushMany = (p: ReturnType<typeof createSseParser>, head: string, times: number, split: boolean): SseEvent[] => {
    const out = p.push(head);
    for (let i = 0; i < times; i++) out.push(...p.push(split ? big : new TextEncoder().encode(big)));
    return out;
  };

  test('a line over MAX_SSE_EVENT_CHARS is dropped with its event; the stream goes on', () => {
    const times = Math.ceil(MAX_SSE_EVENT_CHARS / big.length) + 1;
    for (const split of [true, false]) {
      for (const end of ['\n\n', '\r\n\r\n', '\r\r']) {
        const p = createSseParser();
        const out = [...p.push('data: before\n\n'), ...pushMany(p, 'event: huge\ndata: ', times, split)];
        out.push(...p.push(`tail${end}data: after${end}`), ...p.end());
        expect(out.map((e) => e.data)).toEqual(['before', 'after']);
        expect(out[1]).toEqual({ data: 'after' }); // the dropped event's name does not leak into the next
      }
    }
  });

  test('many data lines adding up past the limit drop the event too', () => {
    const p = createSseParser();
    const out: SseEvent[] = [];
    const line = `data: ${big}\n`;
    for (let i = 0; i < Math.ceil(MAX_SSE_EVENT_CHARS / big.length) + 1; i++) out.push(...p.push(line));
    out.push(...p.push('\ndata: next\n\n'));
    expect(out).toEqual([{ data: 'next' }]);
  });

  test('an event just under the limit still arrives whole', () => {
    const p = createSseParser();
    const data = 'y'.repeat(MAX_SSE_EVENT_CHARS - 16);
    const out = [...p.push('data: '), ...p.push(data.slice(0, 1000)), ...p.push(data.slice(1000)), ...p.push('\n\n')];
    expect(out).toHaveLength(1);
    expect(out[0]!.data.length).toBe(data.length);
  });
});
