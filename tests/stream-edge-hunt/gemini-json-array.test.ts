/**
 * `streamGenerateContent` without `alt=sse` streams one JSON array (`[{…}\n,\r\n{…}\n]`). A Gemini
 * client reads it as JSON, so whatever happens upstream the body it gets must stay one valid
 * array: on the passthrough lane the upstream's bytes unchanged when the stream is whole (split
 * anywhere, even a byte per read), and when the upstream breaks mid-stream the elements that
 * arrived whole, then the gateway's error object as the last element, never half an element or a
 * doubled separator before it. The translated lanes write whole elements already; they are
 * checked the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { bytewise, cutAt, MODEL, splitInsideChars, startEdgeGateway, upstreamStream, type EdgeGateway, type Format, type Step } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

/** One element as Google writes it (pretty-printed). */
const element = (text: string, finish?: string) => JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
  ...(finish ? { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 } } : {}),
  modelVersion: 'gemini-2.5-pro', responseId: 'r1',
}, null, 2);
const first = `[${element('Grüße {"not": "json"} ["x"] \\ "q" 🌍')}`;
const next = (text: string, finish?: string) => `\n,\r\n${element(text, finish)}`;
const whole = first + next(' 東京') + next('', 'STOP') + '\n]';

/** A Gemini client's JSON-array stream; the upstream answers `steps` (a JSON array for a Gemini upstream, else SSE). */
async function arrayStream(model: string, steps: Step[], gapMs?: number): Promise<string> {
  g.next({ steps, gapMs, ...(model === MODEL.gemini ? { contentType: 'application/json' } : {}) });
  const res = await g.t.fetch(`/v1beta/models/${model}:streamGenerateContent`, { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
  expect(res.headers.get('content-type')).toStartWith('application/json');
  return res.text();
}

/** The texts of the elements before the error element, and the error element itself. */
function readArray(body: string): { texts: string[]; error?: { code: number; status: string } } {
  const items = JSON.parse(body) as Array<{ candidates?: Array<{ content: { parts: Array<{ text: string }> } }>; error?: { code: number; status: string } }>;
  const last = items.at(-1);
  return {
    texts: items.filter((i) => i.candidates).map((i) => i.candidates![0]!.content.parts.map((p) => p.text).join('')),
    ...(last?.error ? { error: last.error } : {}),
  };
}

describe('Gemini client ← Gemini upstream, JSON array (passthrough)', () => {
  test('split inside every multi-byte character, and a byte per read: the bytes as the upstream sent them', async () => {
    expect(await arrayStream(MODEL.gemini, splitInsideChars(whole))).toBe(whole);
    expect(await arrayStream(MODEL.gemini, bytewise(whole), 1)).toBe(whole);
  }, 20_000);

  test('the upstream breaks inside an element: the whole elements, then the error object closes the array', async () => {
    const body = await arrayStream(MODEL.gemini, [first, next(' 東京').slice(0, 40)]);
    expect(readArray(body)).toEqual({ texts: ['Grüße {"not": "json"} ["x"] \\ "q" 🌍'], error: expect.objectContaining({ code: 502 }) });
    const row = await g.lastRow();
    expect(row.status).toBe('error_midstream');
  });

  test('the upstream breaks right after the separator of the next element: no doubled comma', async () => {
    const body = await arrayStream(MODEL.gemini, [first + next(' 東京'), '\n,\r\n']);
    expect(readArray(body)).toEqual({ texts: ['Grüße {"not": "json"} ["x"] \\ "q" 🌍', ' 東京'], error: expect.objectContaining({ code: 502 }) });
  });

  test('an element and half of the next in one read, the break after it: the whole one still leaves', async () => {
    const body = await arrayStream(MODEL.gemini, [first, next(' 東京') + next(' more').slice(0, 25)]);
    expect(readArray(body)).toEqual({ texts: ['Grüße {"not": "json"} ["x"] \\ "q" 🌍', ' 東京'], error: expect.objectContaining({ code: 502 }) });
  });

  test('the upstream breaks between elements, or sends a malformed one or its own error: one valid array', async () => {
    for (const steps of [[first], [first, '\n,\r\n{"candidates": [}}\n]'], [first, `\n,\r\n${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }, null, 2)}\n]`]]) {
      const body = await arrayStream(MODEL.gemini, steps);
      expect(readArray(body).texts).toEqual(['Grüße {"not": "json"} ["x"] \\ "q" 🌍']);
      expect(readArray(body).error).toBeDefined();
    }
  });

  test('a good element and a malformed one (or the upstream\'s error) in the same read: the good one still leaves', async () => {
    const ownError = `\n,\r\n${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }, null, 2)}\n]`;
    for (const [bad, code] of [['\n,\r\n{"candidates": [}}\n]', 502], [ownError, 503]] as const) {
      const body = await arrayStream(MODEL.gemini, [first, next(' 東京') + bad]);
      expect(readArray(body)).toEqual({ texts: ['Grüße {"not": "json"} ["x"] \\ "q" 🌍', ' 東京'], error: expect.objectContaining({ code }) });
      // What the client got is what the usage row counts.
      expect((await g.lastRow()).status).toBe('error_midstream');
    }
  });
});

describe('Gemini client (JSON array) ← other upstreams (translated)', () => {
  for (const format of ['chat', 'anthropic', 'responses'] as const satisfies readonly Format[]) {
    test(`${format}: split inside characters, then broken mid-event: whole elements and the error object`, async () => {
      const stream = upstreamStream(format, { text: ['Grüße 🌍', ' 東京'], finish: 'stop', usage: { input: 3, output: 4 } });
      const ok = readArray(await arrayStream(MODEL[format], splitInsideChars(stream)));
      expect(ok.texts.join('')).toBe('Grüße 🌍 東京');
      expect(ok.error).toBeUndefined();
      const cut = stream.indexOf('東京') + 2;
      const broken = readArray(await arrayStream(MODEL[format], cutAt(stream.slice(0, cut), [cut - 3])));
      expect(broken.texts.join('')).toBe('Grüße 🌍');
      expect(broken.error).toBeDefined();
    });
  }
});
