import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
// Test-only: the provider's parser turns recorded streams into hub parts for the round trip.
import { createGeminiStreamParser } from '../../provider/gemini/create-gemini-stream-parser.ts';
import { encodedBody } from '../../../core/pipeline/encoded-body.ts';
import { encodeGeminiStream, GeminiTextEncoder, type GeminiStreamOptions } from './encode-gemini-stream.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A part stream delivering `groups` one after another, with a pause between groups (upstream chunks). */
function partStream(groups: StreamPart[][], opts: { failAfter?: number } = {}): ReadableStream<StreamPart> {
  let i = 0;
  return new ReadableStream<StreamPart>({
    async pull(ctl) {
      if (i > 0) await sleep(3);
      if (i === opts.failAfter) return ctl.error(new Error('socket hang up'));
      if (i >= groups.length) return ctl.close();
      for (const p of groups[i++]) ctl.enqueue(p);
    },
  });
}

async function text(s: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(s).text();
}

/** The JSON payloads of a CRLF-framed SSE body (asserting the framing). */
function sseChunks(body: string): Array<Record<string, unknown>> {
  expect(body.endsWith('\r\n\r\n')).toBe(true);
  return body.split('\r\n\r\n').filter(Boolean).map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    return JSON.parse(frame.slice(6));
  });
}

/** The recorded chunks, as groups of hub parts (one group per upstream chunk). */
function recordedGroups(name: string): { chunks: Array<Record<string, unknown>>; groups: StreamPart[][] } {
  const body = readFileSync(`${FIXTURES}/${name}`, 'utf8');
  const parser = createGeminiStreamParser({ model: 'unused' });
  const frames = body.split('\r\n\r\n').filter(Boolean).map((f) => `${f}\r\n\r\n`);
  const groups = frames.map((f) => parser.push(enc.encode(f)));
  groups[groups.length - 1].push(...parser.end());
  return { chunks: frames.map((f) => JSON.parse(f.slice(6))), groups };
}

/** A recorded chunk without what the gateway cannot reproduce (per-chunk running usage, turnToken). */
function comparable(chunk: Record<string, unknown>, last: boolean): Record<string, unknown> {
  const { turnToken: _t, usageMetadata, ...rest } = chunk;
  const candidates = (rest.candidates as Array<Record<string, unknown>>).map((c) => ({ ...c, index: 0 }));
  if (!last || !usageMetadata) return { ...rest, candidates };
  const { promptTokensDetails: _p, candidatesTokensDetails: _c, ...usage } = usageMetadata as Record<string, unknown>;
  return { ...rest, candidates, usageMetadata: usage };
}

/** The translator's two lanes: its stream codec, and its part encoder driven by the pipeline's encodedBody. */
const LANES: Array<[string, (parts: ReadableStream<StreamPart>, opts: GeminiStreamOptions) => ReadableStream<Uint8Array>]> = [
  ['encodeGeminiStream', encodeGeminiStream],
  ['GeminiTextEncoder in encodedBody', (parts, opts) => encodedBody(parts, { onPart: () => {}, onEnd: () => {} }, (e) => e, new GeminiTextEncoder(opts), () => {})],
];

for (const [lane, encode] of LANES) describe(lane, () => {
  for (const name of ['streamGenerateContent-systemInstruction.response.sse', 'streamGenerateContent-functionCall.response.sse']) {
    test(`round trip of ${name}: same chunks, CRLF framing`, async () => {
      const { chunks, groups } = recordedGroups(name);
      const out = sseChunks(await text(encode(partStream(groups), { sse: true, id: 'fallback', model: 'fallback' })));
      expect(out).toEqual(chunks.map((c, i) => comparable(c, i === chunks.length - 1)));
    });
  }

  test('without alt=sse: one JSON array, written incrementally', async () => {
    const { chunks, groups } = recordedGroups('streamGenerateContent-systemInstruction.response.sse');
    const body = await text(encode(partStream(groups), { sse: false, id: 'x', model: 'x' }));
    expect(body.startsWith('[{')).toBe(true);
    expect(body.endsWith('}\n]')).toBe(true);
    expect(body).toContain('}\n,{');
    const arr = JSON.parse(body) as unknown[];
    expect(arr).toEqual(chunks.map((c, i) => comparable(c, i === chunks.length - 1)));
  });

  test('tool-call argument fragments are buffered into one whole functionCall', async () => {
    const body = await text(encode(partStream([
      [{ type: 'start', id: 'chatcmpl-1', model: 'gpt-4o' }],
      [{ type: 'tool-call-start', id: 'call_1', name: 'get_weather', index: 0 }, { type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: '' }],
      [{ type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: '{"loc' }],
      [{ type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: 'ation":"Paris"}' }],
      [{ type: 'tool-call-end', id: 'call_1', index: 0 }],
      [{ type: 'finish', reason: 'tool-calls', rawReason: 'tool_calls' }],
      [{ type: 'usage', usage: { inputTokens: 10, outputTokens: 5 } }],
    ]), { sse: true, id: 'x', model: 'x' }));
    expect(sseChunks(body)).toEqual([
      { candidates: [{ content: { parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } } }], role: 'model' }, index: 0 }], modelVersion: 'gpt-4o', responseId: 'chatcmpl-1' },
      {
        candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }], modelVersion: 'gpt-4o', responseId: 'chatcmpl-1',
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      },
    ]);
  });

  test('a call keeps the id Gemini gave it, streamed as in the JSON reply', async () => {
    const body = await text(encode(partStream([
      [{ type: 'tool-call-start', id: 'fc_1', name: 'ls', index: 0, providerOptions: { gemini: { id: 'fc_1' } } }, { type: 'tool-call-delta', id: 'fc_1', index: 0, argumentsDelta: '{}' }],
      [{ type: 'tool-call-end', id: 'fc_1', index: 0 }, { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1 } }],
    ]), { sse: true, id: 'x', model: 'm' }));
    const parts = sseChunks(body).map((c) => (c.candidates as Array<{ content: { parts?: unknown[] } }>)[0].content.parts);
    expect(parts[0]).toEqual([{ functionCall: { id: 'fc_1', name: 'ls', args: {} } }]);
  });

  test('parts that arrive together leave as one chunk; thoughts and text stay apart; signatures ride on the next part', async () => {
    const body = await text(encode(partStream([
      [{ type: 'reasoning-delta', text: 'a' }, { type: 'reasoning-delta', text: 'b' }],
      [{ type: 'reasoning-end', signature: 'SIG', origin: 'gemini' }, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' }],
      [{ type: 'reasoning-delta', text: 'claude' }, { type: 'reasoning-end', signature: 'ANTH', origin: 'anthropic' }],
      [{ type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } }],
    ]), { sse: true, id: 'id-1', model: 'm' }));
    const chunks = sseChunks(body).map((c) => (c.candidates as Array<{ content: { parts?: unknown[] } }>)[0].content.parts);
    expect(chunks).toEqual([
      [{ text: 'ab', thought: true }],
      [{ text: 'Hello', thoughtSignature: 'SIG' }],
      [{ text: 'claude', thought: true }, { text: '', thought: true, thoughtSignature: 'swy1:anthropic:ANTH' }],
      [{ text: '' }],
    ]);
    expect(sseChunks(body)[0]).toMatchObject({ responseId: 'id-1', modelVersion: 'm' });
  });

  test('a foreign redacted payload (OpenAI encrypted reasoning) rides wrapped on an empty thought part', async () => {
    const body = await text(encode(partStream([
      [{ type: 'reasoning-delta', text: 'plan' }, { type: 'reasoning-end', redacted: 'gAAAAB-enc', origin: 'openai-responses' }],
      [{ type: 'text-delta', text: 'ok' }, { type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } }],
    ]), { sse: true, id: 'id-2', model: 'm' }));
    const parts = sseChunks(body).map((c) => (c.candidates as Array<{ content: { parts?: unknown[] } }>)[0].content.parts);
    expect(parts[0]).toEqual([{ text: 'plan', thought: true }, { text: '', thought: true, thoughtSignature: 'swy1r:openai-responses:gAAAAB-enc' }]);
  });

  test('an error part: content so far, one error object, then the end (SSE and JSON array)', async () => {
    const groups = (): StreamPart[][] => [
      [{ type: 'text-delta', text: 'partial' }],
      [{ type: 'error', error: new GatewayError('GW_UPSTREAM_ERROR', 'The upstream failed mid-stream.', { status: 502 }) }],
      [{ type: 'text-delta', text: 'never' }],
    ];
    const sse = sseChunks(await text(encode(partStream(groups()), { sse: true, id: 'x', model: 'x' })));
    expect(sse).toHaveLength(2);
    expect(sse[1]).toEqual({ error: { code: 502, message: 'The upstream failed mid-stream.', status: 'UNAVAILABLE' } });
    const arr = JSON.parse(await text(encode(partStream(groups()), { sse: false, id: 'x', model: 'x' })));
    expect(arr[1]).toEqual(sse[1]);
    expect(JSON.stringify(arr)).not.toContain('never');
  });

  test('a failing input stream or one that never finishes ends with an error object', async () => {
    const broken = sseChunks(await text(encode(partStream([[{ type: 'text-delta', text: 'a' }]], { failAfter: 1 }), { sse: true, id: 'x', model: 'x' })));
    expect(broken[broken.length - 1]).toHaveProperty('error');
    const unfinished = sseChunks(await text(encode(partStream([[{ type: 'text-delta', text: 'a' }]]), { sse: true, id: 'x', model: 'x' })));
    expect(unfinished[unfinished.length - 1]).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE' } });
    const empty = await text(encode(partStream([]), { sse: false, id: 'x', model: 'x' }));
    expect(JSON.parse(empty)).toEqual([{ error: { code: 502, message: 'The upstream stream ended before it finished.', status: 'UNAVAILABLE' } }]);
  });

  test('cancelling the output cancels the input', async () => {
    let cancelled: unknown;
    const source = new ReadableStream<StreamPart>({
      start(ctl) {
        ctl.enqueue({ type: 'text-delta', text: 'x' });
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    const reader = encode(source, { sse: true, id: 'x', model: 'x' }).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel('client left');
    expect(cancelled).toBe('client left');
  });
});
