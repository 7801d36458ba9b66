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

/**
 * The former text-based filter, kept as the reference for arbitrary splits: a marker split
 * across two chunks is not seen by either (the first half went out already).
 */
function referenceFilter(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  const isUsage = (f: string) => f.includes('"choices":[]') && f.includes('"usage"');
  let carry = '';
  let out = '';
  for (const bytes of chunks) {
    if (!carry && !Buffer.from(bytes).includes('"choices":[]')) {
      out += dec.decode(bytes, { stream: true });
      continue;
    }
    const text = carry + decoder.decode(bytes, { stream: true });
    const end = text.lastIndexOf('\n\n');
    if (end === -1) {
      carry = text;
      continue;
    }
    carry = text.slice(end + 2);
    out += text.slice(0, end + 2).split(/(?<=\n\n)/).filter((f) => !isUsage(f)).join('');
  }
  const rest = carry + decoder.decode();
  return out + (rest && !isUsage(rest) ? rest : '');
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

  test('any split of the stream, even inside characters and markers, gives what the text-based filter gave', () => {
    const bytes = enc.encode(STREAM + frame({ choices: [{ index: 0, delta: { content: 'after' } }] }) + '\n: comment\n\n');
    let seed = 7;
    let whole = 0;
    for (let round = 0; round < 500; round++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length;) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const n = 1 + (seed % 60);
        chunks.push(bytes.slice(i, i + n));
        i += n;
      }
      const got = filtered(chunks);
      expect(got).toBe(referenceFilter(chunks));
      if (got === expected(dec.decode(bytes))) whole++;
    }
    expect(whole).toBeGreaterThan(100); // most splits leave the marker whole: the frame is dropped
  });

  test('a usage frame without the terminating blank line at the end is dropped too', () => {
    const text = frame({ choices: [{ delta: { content: 'a' } }] }) + 'data: {"choices":[],"usage":{"prompt_tokens":1}}\n';
    expect(filtered([enc.encode(text)])).toBe(frame({ choices: [{ delta: { content: 'a' } }] }));
  });
});
