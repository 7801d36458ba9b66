import { describe, expect, test } from 'bun:test';
import { createUsageFrameFilter } from './strip-usage-frame.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Runs `chunks` through a fresh filter and returns everything it let through. */
function filtered(chunks: Uint8Array[]): string {
  const f = createUsageFrameFilter();
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    const b = f.chunk(c);
    if (b) out.push(b);
  }
  const rest = f.end();
  if (rest) out.push(rest);
  return dec.decode(Buffer.concat(out));
}

/** The reference behaviour: drop whole frames that carry `"choices":[]` and `"usage"`, keep every other byte. */
function expected(text: string): string {
  return text.split(/(?<=\n\n)/).filter((f) => !(f.includes('"choices":[]') && f.includes('"usage"'))).join('');
}

const frame = (json: object) => `data: ${JSON.stringify(json)}\n\n`;
const STREAM = [
  frame({ id: 'c1', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }),
  frame({ id: 'c1', choices: [{ index: 0, delta: { content: 'Hé — 你好 👋' } }] }),
  frame({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  frame({ id: 'c1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }),
  'data: [DONE]\n\n',
].join('');

describe('usage frame filter', () => {
  test('the usage frame is dropped, every other byte passes unchanged (one chunk)', () => {
    const out = filtered([enc.encode(STREAM)]);
    expect(out).toBe(expected(STREAM));
    expect(out).not.toContain('"usage"');
    expect(out).toContain('data: [DONE]\n\n');
  });

  test('chunks without the marker are passed through as the very same bytes', () => {
    const f = createUsageFrameFilter();
    const c = enc.encode(frame({ choices: [{ index: 0, delta: { content: 'x' } }] }));
    expect(f.chunk(c)).toBe(c);
  });

  test('any split of the stream, even inside characters and the marker, drops exactly the usage frame', () => {
    const text = STREAM + frame({ choices: [{ index: 0, delta: { content: 'after' } }] }) + '\n: comment\n\n';
    const bytes = enc.encode(text);
    let seed = 7;
    for (let round = 0; round < 500; round++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length;) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const n = 1 + (seed % 60);
        chunks.push(bytes.slice(i, i + n));
        i += n;
      }
      expect(filtered(chunks)).toBe(expected(text));
    }
  });

  test('CRLF and CR line ends, and JSON written with spaces (Python json.dumps), are understood', () => {
    const events = [
      'data: {"id": "c1", "choices": [{"index": 0, "delta": {"content": "hi"}}]}',
      'data: {"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}',
      'data: {"id": "c1", "choices": [ ], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}',
      'data: [DONE]',
    ];
    for (const end of ['\r\n\r\n', '\n\n', '\r\r']) {
      const text = events.join(end) + end;
      const want = [events[0], events[1], events[3]].join(end) + end;
      expect(filtered([enc.encode(text)])).toBe(want); // one chunk
      expect(filtered(events.map((e) => enc.encode(e + end)))).toBe(want); // one event per chunk
      expect(filtered([...enc.encode(text)].map((b) => new Uint8Array([b])))).toBe(want); // byte by byte
    }
  });

  test('a chunk with an empty choices array but no usage object is kept', () => {
    const text = 'data: {"choices":[],"usage":null}\n\n';
    expect(filtered([enc.encode(text)])).toBe(text);
  });

  test('usage frames first, in the middle and last are all dropped; the marker quoted in text or split across frames is not one', () => {
    const usage = frame({ choices: [], usage: { prompt_tokens: 1 } });
    const quoted = frame({ choices: [{ index: 0, delta: { content: 'say "choices": [] and "usage": {}' } }] });
    const split = 'data: {"choices":\n\ndata: [], "usage": {"a":1}}\n\n'; // two frames, neither whole
    for (const text of [usage + quoted + usage + STREAM, quoted + split + usage, usage, usage + usage, split + quoted]) {
      expect(filtered([enc.encode(text)])).toBe(expected(text));
    }
    expect(filtered([enc.encode(usage + usage)])).toBe('');
    expect(filtered([enc.encode(split)])).toBe(split);
  });

  test('a usage frame without the terminating blank line at the end is dropped too', () => {
    const text = frame({ choices: [{ delta: { content: 'a' } }] }) + 'data: {"choices":[],"usage":{"prompt_tokens":1}}\n';
    expect(filtered([enc.encode(text)])).toBe(frame({ choices: [{ delta: { content: 'a' } }] }));
  });
});
