import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createGeminiStreamParser, type GeminiBodyFormat } from './create-gemini-stream-parser.ts';
import { createJsonArraySplitter } from './split-json-array.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const enc = new TextEncoder();
const read = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8');

function parse(bytes: Uint8Array, cuts: number[] = [], format: GeminiBodyFormat = 'sse'): StreamPart[] {
  const p = createGeminiStreamParser({ model: 'fallback-model', format });
  const out: StreamPart[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...p.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...p.end());
  return out;
}

/** Parts with the fragmentation of text deltas removed (splits may merge or divide nothing else). */
function normalize(parts: StreamPart[]): unknown[] {
  const out: unknown[] = [];
  for (const p of parts) {
    const last = out[out.length - 1] as { type: string; text?: string } | undefined;
    if ((p.type === 'text-delta' || p.type === 'reasoning-delta') && last?.type === p.type) last.text += p.text;
    else out.push(structuredClone(p));
  }
  return out;
}

/** A JSON-array stream body (no alt=sse) in Google's framing, from the chunks of an SSE fixture. */
function asJsonArray(sse: string): string {
  const chunks = sse.split('\r\n\r\n').filter(Boolean).map((f) => JSON.parse(f.slice('data: '.length)));
  return `[${chunks.map((c) => JSON.stringify(c, null, 2)).join('\n,\r\n')}\n]`;
}

describe('createGeminiStreamParser', () => {
  const textSse = read('streamGenerateContent-systemInstruction.response.sse');

  test('the systemInstruction fixture: start, text deltas, finish with usage', () => {
    const parts = parse(enc.encode(textSse));
    expect(parts[0]).toEqual({ type: 'start', id: 'tS77aIl-4ZvV7w_A9rTBBg', model: 'gemini-2.5-flash' });
    const text = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('');
    expect(text.startsWith('low!\n\nThe sky is blue')).toBe(true);
    expect(text.endsWith(' rather than violet.')).toBe(true);
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(6);
    expect(parts[parts.length - 1]).toEqual({
      type: 'finish', reason: 'stop', rawReason: 'STOP',
      usage: { inputTokens: 20, outputTokens: 253 + 260, reasoningTokens: 260 },
    });
    expect(parts.some((p) => p.type === 'error')).toBe(false);
  });

  test('split at every byte boundary gives the same parts (SSE, both fixtures)', () => {
    for (const name of ['streamGenerateContent-systemInstruction.response.sse', 'streamGenerateContent-functionCall.response.sse']) {
      const bytes = enc.encode(read(name));
      const whole = normalize(parse(bytes));
      for (let i = 1; i < bytes.length; i++) expect(normalize(parse(bytes, [i]))).toEqual(whole);
    }
  });

  test('byte-by-byte feeding (multi-byte UTF-8 split inside characters)', () => {
    const body = `data: {"candidates":[{"content":{"parts":[{"text":"héllo 👋 wörld"}],"role":"model"},"finishReason":"STOP","index":0}]}\r\n\r\n`;
    const bytes = enc.encode(body);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    const text = parse(bytes, cuts).filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('');
    expect(text).toBe('héllo 👋 wörld');
  });

  test('a function call arrives whole: start, one delta with the full arguments, end; finish is tool-calls', () => {
    const parts = parse(enc.encode(read('streamGenerateContent-functionCall.response.sse')));
    const id = (parts.find((p) => p.type === 'tool-call-start') as { id: string }).id;
    expect(id).toBe('call_xtSfaIRs8_Sf2Q-skYe5Dg_0');
    expect(parts.slice(1)).toEqual([
      { type: 'tool-call-start', id, name: 'customDivide', index: 0 },
      { type: 'tool-call-delta', id, index: 0, argumentsDelta: '{"denominator":2,"numerator":100}' },
      { type: 'tool-call-end', id, index: 0 },
      { type: 'finish', reason: 'tool-calls', rawReason: 'STOP', usage: { inputTokens: 21, outputTokens: 6 } },
    ]);
  });

  test('JSON array stream (no alt=sse), split at every byte boundary, equals the SSE parse', () => {
    const sseParts = normalize(parse(enc.encode(textSse)));
    const bytes = enc.encode(asJsonArray(textSse));
    expect(normalize(parse(bytes, [], 'json-array'))).toEqual(sseParts);
    for (let i = 1; i < bytes.length; i++) expect(normalize(parse(bytes, [i], 'json-array'))).toEqual(sseParts);
  });

  test('a whole generateContent body (json) yields the parts at the end', () => {
    const body = read('generateContent-functionCall.response.json');
    const p = createGeminiStreamParser({ model: 'm', format: 'json' });
    expect(p.push(enc.encode(body.slice(0, 100)))).toEqual([]);
    expect(p.push(enc.encode(body.slice(100)))).toEqual([]);
    const parts = p.end();
    expect(parts.map((x) => x.type)).toEqual(['start', 'reasoning-end', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
    expect(parts[1]).toMatchObject({ type: 'reasoning-end', origin: 'gemini', signature: expect.stringMatching(/^CtQCAdHtim/) });
    expect(parts[5]).toMatchObject({ reason: 'tool-calls', usage: { inputTokens: 65, outputTokens: 99, reasoningTokens: 77 } });
  });

  test('thoughts: reasoning deltas; the block closes unsigned and the signature of the call is a block of its own', () => {
    const chunks = [
      { candidates: [{ content: { parts: [{ text: 'Let me ', thought: true }], role: 'model' } }] },
      { candidates: [{ content: { parts: [{ text: 'think.', thought: true }], role: 'model' } }] },
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 1 }, id: 'fc-1' }, thoughtSignature: 'SIG' }], role: 'model' } }] },
      { candidates: [{ content: { parts: [{ text: 'Done' }], role: 'model' }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 5 } },
    ];
    const body = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');
    expect(parse(enc.encode(body)).slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'Let me ' },
      { type: 'reasoning-delta', text: 'think.' },
      { type: 'reasoning-end', origin: 'gemini' },
      { type: 'reasoning-end', signature: 'SIG', origin: 'gemini' },
      { type: 'tool-call-start', id: 'fc-1', name: 'f', index: 0, providerOptions: { gemini: { id: 'fc-1', thoughtSignature: 'SIG' } } },
      { type: 'tool-call-delta', id: 'fc-1', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', id: 'fc-1', index: 0 },
      { type: 'text-delta', text: 'Done' },
      { type: 'finish', reason: 'tool-calls', rawReason: 'STOP', usage: { inputTokens: 3, outputTokens: 7, reasoningTokens: 5 } },
    ]);
  });

  test('an in-stream error object becomes one mapped error part', () => {
    const body = 'data: {"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"}}]}\r\n\r\n'
      + 'data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n';
    const parts = parse(enc.encode(body));
    const err = parts[parts.length - 1] as Extract<StreamPart, { type: 'error' }>;
    expect(parts.filter((p) => p.type === 'error')).toHaveLength(1);
    expect(err.error.code).toBe('GW_UNAVAILABLE');
    expect(err.error.status).toBe(503);
    expect(err.error.retryable).toBe(true);
    expect(err.error.message).toBe('The model is overloaded.');
  });

  test('malformed chunk → one retryable protocol error, nothing after it', () => {
    const parts = parse(enc.encode('data: {"candidates":[{"content":\r\n\r\ndata: {"candidates":[]}\r\n\r\n'));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { code: 'GW_UPSTREAM_PROTOCOL', retryable: true } });
  });

  test('a stream that ends without finishReason is truncated → error at end()', () => {
    const parts = parse(enc.encode('data: {"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"}}]}\r\n\r\n'));
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'error']);
  });

  test('a blocked prompt finishes as content-filter; usage after the finish is a usage part', () => {
    const body = 'data: {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":4}}\r\n\r\n'
      + 'data: {"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}\r\n\r\n';
    const parts = parse(enc.encode(body));
    expect(parts.slice(1)).toEqual([
      { type: 'finish', reason: 'content-filter', rawReason: 'SAFETY', usage: { inputTokens: 4, outputTokens: 0 } },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 1 } },
    ]);
  });
});

describe('createJsonArraySplitter', () => {
  test('braces and brackets inside strings do not count', () => {
    const s = createJsonArraySplitter();
    const a = '{"t":"} ] { [ \\" \\\\"}';
    const b = '{"x":[1,{"y":"]"}]}';
    const enc = new TextEncoder();
    expect([...s.push(enc.encode(`[${a.slice(0, 5)}`)), ...s.push(enc.encode(`${a.slice(5)}\n,\r\n${b}`)), ...s.push(enc.encode('\n]'))]).toEqual([a, b]);
    expect(s.partial).toBe(false);
  });

  test('bytes cut inside a character; wholeBytes ends with the last complete element', () => {
    const s = createJsonArraySplitter();
    const bytes = new TextEncoder().encode('[{"t":"日本 🗼"}\n,\r\n{"t":"é"}\n]');
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      out.push(...s.push(bytes.subarray(i, i + 1)));
      if (i === 10) expect(s.partial).toBe(true);
    }
    expect(out).toEqual(['{"t":"日本 🗼"}', '{"t":"é"}']);
    expect(s.wholeBytes).toBe(bytes.length - 2);
  });
});

describe('bytesBeforeError (JSON array)', () => {
  const good = '{"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"index":0}]}';
  test('says where, in the failed chunk, the elements before the bad one end', () => {
    const p = createGeminiStreamParser({ model: 'm', format: 'json-array' });
    expect(p.push(enc.encode(`[${good}`)).map((x) => x.type)).not.toContain('error');
    const chunk = `\n,\r\n${good}\n,\r\n{"candidates": [}}\n]`;
    const parts = p.push(enc.encode(chunk));
    expect(parts.at(-1)?.type).toBe('error');
    expect(p.bytesBeforeError).toBe(`\n,\r\n${good}`.length);
  });

  test('0 when the bad element is the chunk\'s first; undefined while nothing failed', () => {
    const p = createGeminiStreamParser({ model: 'm', format: 'json-array' });
    p.push(enc.encode(`[${good}`));
    expect(p.bytesBeforeError).toBeUndefined();
    p.push(enc.encode('\n,\r\n{"candidates": [}}'));
    expect(p.bytesBeforeError).toBe(0);
  });
});
