/**
 * One reply (reasoning, text and a tool call full of multi-byte characters) played in each
 * upstream format to each client SDK, on all 16 lanes, with the upstream's bytes:
 * - cut inside every multi-byte character (emoji, CJK, accents: in reasoning, text and tool
 *   argument fragments), each piece its own read: every client gets the right characters;
 * - framed every way SSE allows (CRLF, CR, `data:` without its space, comments, `id:` and
 *   `retry:`, a BOM, multi-line `data:`): the translated lanes read them all; the passthrough
 *   lane relays the bytes unchanged (the SDKs then read them, except `@google/genai`, which
 *   reads only plain `data:` events as Gemini sends them: see docs/translation.md, Lanes);
 * - 1 MB of tool arguments in one event, over several reads;
 * - a client that reads slowly (back-pressure): nothing lost or reordered.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  ask, DIALECTS, FORMATS, MODEL, NATIVE, rawRequest, rawStream, splitInsideChars, startEdgeGateway, upstreamStream, type EdgeGateway, type Reply,
} from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

describe('multi-byte characters split across reads', () => {
  const reply: Reply = {
    reasoning: ['思考中…🤔', '再考 ü'],
    text: ['Grüße 👋🏽 ', '東京は晴れ ☀️', ' – done'],
    calls: [{ id: 'call_1', name: 'get_weather', args: ['{"city":"東', '京🗼"}'] }],
    finish: 'tool',
    usage: { input: 20, output: 7, cached: 4 },
  };
  for (const f of FORMATS) {
    for (const d of DIALECTS) {
      test(`${d} ← ${f}${d === NATIVE[f] ? ' (passthrough)' : ''}`, async () => {
        const stream = upstreamStream(f, reply);
        g.next({ steps: splitInsideChars(stream), gapMs: 2 });
        const seen = await ask(g, d, MODEL[f]);
        expect(seen.text).toBe(reply.text!.join(''));
        expect(seen.text).not.toContain('\uFFFD');
        expect(seen.reasoning).toBe(reply.reasoning!.join(''));
        expect(seen.calls.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: '東京🗼' }]]);
        if (d === NATIVE[f]) {
          g.next({ steps: splitInsideChars(stream), gapMs: 2 });
          expect(Buffer.from(await rawStream(g, d, MODEL[f])).toString()).toBe(stream);
        }
      });
    }
  }
});

describe('every SSE framing', () => {
  const reply: Reply = { reasoning: ['think é'], text: ['Hello ', 'wörld'], calls: [{ id: 'call_1', name: 'get_weather', args: ['{"city":', '"Paris"}'] }], finish: 'tool', usage: { input: 20, output: 7 } };
  const lf = (s: string) => s.replace(/\r\n/g, '\n');
  const framings: Record<string, (s: string) => string> = {
    CRLF: (s) => lf(s).replace(/\n/g, '\r\n'),
    CR: (s) => lf(s).replace(/\n/g, '\r'),
    'data: without its space': (s) => lf(s).replace(/^data: /gm, 'data:').replace(/^event: /gm, 'event:'),
    'comments, id and retry': (s) => lf(s).split('\n\n').filter(Boolean).map((e, i) => `: ping ${i}\nid: ${i}\nretry: 1000\n${e}\n: after\n\n`).join(''),
    'a BOM': (s) => `\uFEFF${s}`,
    'multi-line data': (s) => lf(s).replace(/^data: (\{.*)$/gm, (_, j: string) => `data: ${j.slice(0, j.indexOf(',') + 1)}\ndata: ${j.slice(j.indexOf(',') + 1)}`),
  };
  for (const [name, frame] of Object.entries(framings)) {
    for (const f of FORMATS) {
      for (const d of DIALECTS) {
        // @google/genai reads only what Gemini sends: plain `data:` events (see the file's doc).
        const sdkReads = !(d === 'gemini' && f === 'gemini' && (name === 'comments, id and retry' || name === 'multi-line data'));
        test(`${name}: ${d} ← ${f}${d === NATIVE[f] ? ' (passthrough)' : ''}`, async () => {
          const stream = frame(upstreamStream(f, reply));
          if (d === NATIVE[f]) {
            g.next({ steps: [stream.slice(0, 40), stream.slice(40, 200), stream.slice(200)], gapMs: 2 });
            expect(Buffer.from(await rawStream(g, d, MODEL[f])).toString()).toBe(stream);
          }
          if (!sdkReads) return;
          g.next({ steps: [stream], gapMs: 0 });
          const seen = await ask(g, d, MODEL[f]);
          expect(seen.text).toBe('Hello wörld');
          expect(seen.calls.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
        });
      }
    }
  }
});

describe('size and pace', () => {
  const big = `${'x'.repeat(1024 * 1024)}日本`;
  for (const f of FORMATS) {
    for (const d of DIALECTS) {
      test(`1 MB of tool arguments in one event: ${d} ← ${f}`, async () => {
        const stream = upstreamStream(f, { text: ['ok'], calls: [{ id: 'call_1', name: 'lookup', args: [JSON.stringify({ q: big })] }], finish: 'tool', usage: { input: 3, output: 4 } });
        g.next({ steps: [stream.slice(0, 5000), stream.slice(5000, 700_000), stream.slice(700_000)], gapMs: 5 });
        const seen = await ask(g, d, MODEL[f]);
        expect(seen.text).toBe('ok');
        expect(seen.calls[0]?.args).toEqual({ q: big });
      });
    }
  }

  const long: Reply = { text: Array.from({ length: 2000 }, (_, i) => `${i}:${'é'.repeat(300)}|`), finish: 'stop', usage: { input: 3, output: 4 } };
  for (const f of FORMATS) {
    test(`a client that reads slowly: the passthrough bytes all arrive, in order (${f})`, async () => {
      const stream = upstreamStream(f, long);
      const steps: string[] = [];
      for (let i = 0; i < stream.length; i += 7001) steps.push(stream.slice(i, i + 7001));
      g.next({ steps, gapMs: 0 });
      const res = await rawRequest(g, NATIVE[f], MODEL[f]);
      const reader = res.body!.getReader();
      const got: Uint8Array[] = [];
      await Bun.sleep(200);
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        got.push(r.value);
        if (got.length % 10 === 0) await Bun.sleep(2);
      }
      expect(Buffer.concat(got).toString()).toBe(stream);
    });

    for (const d of DIALECTS.filter((x) => x !== NATIVE[f])) {
      test(`a client that reads slowly: the translated text all arrives, in order (${d} ← ${f})`, async () => {
        const stream = upstreamStream(f, long);
        const steps: string[] = [];
        for (let i = 0; i < stream.length; i += 7001) steps.push(stream.slice(i, i + 7001));
        g.next({ steps, gapMs: 0 });
        expect((await ask(g, d, MODEL[f])).text).toBe(long.text!.join(''));
      });
    }
  }
});
