import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ChatResult, ReasoningPart } from '../../../core/types/hub.ts';
// Test-only: the provider's mapper turns the recorded responses into hub results, so the
// round trip recorded → hub → encoded can be compared with the recording.
import { mapGeminiResponse } from '../../provider/gemini/map-gemini-response.ts';
import { encodeGeminiError, encodeGeminiErrorBody, encodeGeminiStreamError } from './encode-gemini-error.ts';
import { encodeGeminiResult } from './encode-gemini-result.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { wrapCarried } from './gemini-signature.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const read = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8'));

/** What the gateway cannot know and so does not reproduce: Google's bookkeeping fields. */
const NOT_REPRODUCED = ['turnToken', 'promptTokensDetails', 'candidatesTokensDetails', 'cacheTokensDetails'];

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!NOT_REPRODUCED.includes(k)) out[k] = strip(x);
  return out;
}

const base: ChatResult = { id: 'resp-1', model: 'gemini-2.5-flash', content: [], finishReason: 'stop' };

describe('encodeGeminiResult', () => {
  for (const name of ['generateContent-functionCall', 'generateContent-responseJsonSchema', 'generateContent-thought']) {
    test(`round trip of ${name}.response.json equals the recording`, () => {
      const recorded = read(`${name}.response.json`);
      const result = mapGeminiResponse(recorded, { model: 'unused' });
      const encoded = encodeGeminiResult(result);
      expect(JSON.parse(JSON.stringify(encoded))).toEqual(strip(recorded) as Record<string, unknown>);
    });
  }

  test('usage: thoughts apart from candidates, cached tokens, zeros omitted', () => {
    const out = encodeGeminiResult({ ...base, usage: { inputTokens: 10, outputTokens: 30, reasoningTokens: 20, cachedInputTokens: 4 } });
    expect(out.usageMetadata).toEqual({ promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 40, thoughtsTokenCount: 20, cachedContentTokenCount: 4 });
    expect(encodeGeminiResult({ ...base, usage: { inputTokens: 3, outputTokens: 0 } }).usageMetadata).toEqual({ promptTokenCount: 3, totalTokenCount: 3 });
  });

  test('finish reasons: hub → Gemini, a raw Gemini reason wins', () => {
    const reason = (r: Partial<ChatResult>) => encodeGeminiResult({ ...base, ...r }).candidates[0].finishReason;
    expect(reason({ finishReason: 'tool-calls' })).toBe('STOP');
    expect(reason({ finishReason: 'length' })).toBe('MAX_TOKENS');
    expect(reason({ finishReason: 'content-filter' })).toBe('SAFETY');
    expect(reason({ finishReason: 'content-filter', rawFinishReason: 'RECITATION' })).toBe('RECITATION');
    expect(reason({ finishReason: 'content-filter', rawFinishReason: 'content_filter' })).toBe('SAFETY');
    expect(reason({ finishReason: 'other' })).toBe('OTHER');
  });

  test('content from another provider: calls get args objects, foreign signatures and payloads are wrapped', () => {
    const out = encodeGeminiResult({
      ...base,
      content: [
        { type: 'reasoning', text: 'thinking…', signature: 'ANTH', origin: 'anthropic' },
        { type: 'reasoning', text: '', redacted: 'xyz', origin: 'anthropic' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool-call', id: 'toolu_1', name: 'search', arguments: '{"q":"x"}' },
        { type: 'tool-call', id: 'toolu_2', name: 'broken', arguments: '{"q":' },
      ],
      finishReason: 'tool-calls',
    });
    expect(out.candidates[0].content.parts).toEqual([
      { text: 'thinking…', thought: true, thoughtSignature: 'swy1:anthropic:ANTH' },
      { text: '', thought: true, thoughtSignature: 'swy1r:anthropic:xyz' },
      { text: 'Let me look.' },
      // The blocks that led to the call also ride on it whole: Gemini CLI sends back no thought parts.
      { functionCall: { name: 'search', args: { q: 'x' } }, thoughtSignature: wrapCarried([{ text: 'thinking…', signature: 'ANTH' }, { text: '', redacted: 'xyz' }], 'anthropic') },
      { functionCall: { name: 'broken', args: {} } },
    ]);
    const parts = out.candidates[0].content.parts!;
    const turn = (kept: typeof parts) => (decodeGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'q' }] }, { role: 'model', parts: kept }, { role: 'user', parts: [{ text: 'again' }] }] }, 'm', false).body as ChatRequest).messages[1].content;
    const blocks: ReasoningPart[] = [
      { type: 'reasoning', text: 'thinking…', signature: 'ANTH', origin: 'anthropic' },
      { type: 'reasoning', text: '', redacted: 'xyz', origin: 'anthropic' },
    ];
    // Sent back whole, or without its thought parts (Gemini CLI): the same blocks, once.
    expect(turn(parts).filter((p) => p.type === 'reasoning')).toEqual(blocks);
    expect(turn(parts.filter((p) => !p.thought)).filter((p) => p.type === 'reasoning')).toEqual(blocks);
  });

  test('an OpenAI encrypted reasoning payload survives a Gemini client: wrapped out, a payload again on the way back', () => {
    const out = encodeGeminiResult({ ...base, content: [{ type: 'reasoning', text: 'plan', redacted: 'gAAAAB-enc', origin: 'openai-responses' }, { type: 'text', text: 'ok' }] });
    const parts = out.candidates[0].content.parts!;
    expect(parts[0]).toEqual({ text: 'plan', thought: true, thoughtSignature: 'swy1r:openai-responses:gAAAAB-enc' });
    const back = decodeGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'q' }] }, { role: 'model', parts }, { role: 'user', parts: [{ text: 'again' }] }] }, 'm', false);
    expect((back.body as ChatRequest).messages[1].content[0]).toEqual({ type: 'reasoning', text: 'plan', redacted: 'gAAAAB-enc', origin: 'openai-responses' });
    expect(back.raw).toBeUndefined();
  });

  test('a bare Gemini signature rides on the next part, or on an empty text part at the end', () => {
    const out = encodeGeminiResult({
      ...base,
      content: [
        { type: 'reasoning', text: '', signature: 'S1', origin: 'gemini' },
        { type: 'tool-call', id: 'c', name: 'f', arguments: '{}', providerOptions: { gemini: { id: 'native-1' } } },
        { type: 'text', text: 'after' },
        { type: 'reasoning', text: '', signature: 'S2', origin: 'gemini' },
      ],
    });
    expect(out.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'f', args: {}, id: 'native-1' }, thoughtSignature: 'S1' },
      { text: 'after' },
      { text: '', thoughtSignature: 'S2' },
    ]);
  });
});

describe('encodeGeminiError', () => {
  test('the envelope of the recorded 404, with the HTTP status', async () => {
    const recorded = read('error-404.json');
    const err = new GatewayError('GW_MODEL_NOT_FOUND', recorded.body.error.message, { upstream: { status: 404, type: 'NOT_FOUND' } });
    const res = encodeGeminiError(err);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { details: _, ...expected } = recorded.body.error;
    expect(await res.json()).toEqual({ error: expected });
  });

  test('status names per HTTP status; waits as RetryInfo and retry-after', () => {
    const table: Array<[number, string]> = [
      [400, 'INVALID_ARGUMENT'], [401, 'UNAUTHENTICATED'], [403, 'PERMISSION_DENIED'], [404, 'NOT_FOUND'],
      [429, 'RESOURCE_EXHAUSTED'], [500, 'INTERNAL'], [503, 'UNAVAILABLE'], [504, 'DEADLINE_EXCEEDED'], [418, 'INVALID_ARGUMENT'],
    ];
    for (const [status, name] of table) {
      expect(encodeGeminiErrorBody(new GatewayError('GW_X', 'm', { status })).error).toEqual({ code: status, message: 'm', status: name });
    }
    const limited = new GatewayError('GW_RATE_LIMITED', 'slow down', { retryAfterMs: 2500 });
    expect(encodeGeminiErrorBody(limited).error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }]);
    expect(encodeGeminiError(limited).headers.get('retry-after')).toBe('3');
  });

  test('an upstream status name is kept only when the HTTP status is the same', () => {
    const relayed = new GatewayError('GW_UPSTREAM_ERROR', 'x', { status: 502, upstream: { status: 400, type: 'INVALID_ARGUMENT' } });
    expect(encodeGeminiErrorBody(relayed).error.status).toBe('UNAVAILABLE');
  });

  test('stream error frame: CRLF-framed SSE event with the envelope', () => {
    const frame = encodeGeminiStreamError(new GatewayError('GW_UPSTREAM_ERROR', 'broke', { status: 502 }));
    expect(frame).toBe('data: {"error":{"code":502,"message":"broke","status":"UNAVAILABLE"}}\r\n\r\n');
  });

  test('stream error in JSON-array mode closes the array with the error as its last element', () => {
    const frame = encodeGeminiStreamError(new GatewayError('GW_UPSTREAM_ERROR', 'broke', { status: 502 }), false);
    const whole = JSON.parse(`[{"candidates":[]}${frame}`) as unknown[];
    expect(whole.at(-1)).toEqual({ error: { code: 502, message: 'broke', status: 'UNAVAILABLE' } });
  });
});
