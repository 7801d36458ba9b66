/**
 * The parsers added today, fed hostile input (seeded, so a failure replays): none may throw,
 * and each keeps its promise. Tool names: every renamed name is valid for the upstream, names
 * never collide, and each maps back to the client's. The JSON value unwrapper: any split gives
 * the same text as one push. The SSE helpers: an end is always inside the bytes and past the start.
 */
import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../core/errors/gateway-error.ts';
import { redactPatterns } from '../../core/log/redact.ts';
import { upstreamErrorEvent } from '../../core/pipeline/upstream-error-event.ts';
import type { ChatRequest } from '../../core/types/hub.ts';
import { ANTHROPIC_TOOL_NAMES, GEMINI_TOOL_NAMES, mapToolNames, OPENAI_TOOL_NAMES } from '../../core/util/map-tool-names.ts';
import { afterLastEvent, eventEndAfter, eventEndIn } from '../../core/util/sse.ts';
import { createJsonValueUnwrapper, unwrapJsonValue } from '../../core/util/unwrap-json-value.ts';
import { mapGeminiError } from '../../plugins/provider/gemini/map-gemini-error.ts';
import { findRefusedField } from '../../core/util/refused-fields.ts';
import { findStatedOutputLimit } from '../../core/util/output-token-limit.ts';
import { mapOpenAIErrorBody } from '../../plugins/provider/openai-compatible/map-openai-error.ts';
import { mapToolCallIds } from '../../plugins/provider/openai-compatible/map-tool-call-ids.ts';
import { withoutEncryptedReasoning } from '../../plugins/provider/openai-responses/drop-foreign-reasoning.ts';
import { unwrapEnumAnswer } from '../../plugins/translator/gemini/enum-answer.ts';
import { unwrapCarried } from '../../plugins/translator/gemini/gemini-signature.ts';
import { mapImageMediaType } from '../../core/util/map-image-media-type.ts';
import { rng } from '../helpers/json-fuzz.ts';

const PIECES = ['a', 'Z', '9', '_', '-', '.', ':', ' ', '/', '\u0000', '\u{1F600}', '\ud800', 'é', '{', '}', '"', '\\', ',', '[', ']', '\n', '\r', 'value', '{"value":'];

function text(r: (n: number) => number, max: number): string {
  let s = '';
  for (let i = r(max); i > 0; i--) s += PIECES[r(PIECES.length)];
  return s;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('hostile input to the new parsers', () => {
  test('tool names: huge, unicode, empty, colliding — valid, distinct, and mapped back', () => {
    const r = rng(1);
    for (let i = 0; i < 1500; i++) {
      const names = [...new Set(Array.from({ length: 1 + r(6) }, () => (r(8) === 0 ? 'x'.repeat(r(3000)) : text(r, 40))))];
      const req: ChatRequest = {
        model: 'm', stream: false,
        tools: names.map((name) => ({ name, parameters: { type: 'object' } })),
        toolChoice: { type: 'tool', name: names[0]! },
        messages: [{ role: 'assistant', content: names.map((name, j) => ({ type: 'tool-call', id: `c${j}`, name, arguments: '{}' })) }],
      };
      for (const rule of [OPENAI_TOOL_NAMES, ANTHROPIC_TOOL_NAMES, GEMINI_TOOL_NAMES]) {
        const mapped = mapToolNames(req, rule);
        if (!mapped) {
          expect(names.every((n) => rule.valid.test(n))).toBe(true);
          continue;
        }
        const sent = mapped.request.tools!.map((t) => t.name);
        for (const n of sent) expect(rule.valid.test(n)).toBe(true);
        expect(new Set(sent).size).toBe(names.length);
        expect(sent.map((n) => mapped.toClient(n))).toEqual(names);
      }
    }
  });

  test('the JSON value unwrapper: any split of any text gives what one push gives', () => {
    const r = rng(2);
    for (let i = 0; i < 3000; i++) {
      const s = r(2) ? `{"value": ${text(r, 30)}` : text(r, 40);
      const u = createJsonValueUnwrapper();
      let out = '';
      for (let k = 0; k < s.length;) {
        const step = 1 + r(6);
        out += u.push(s.slice(k, k + step));
        k += step;
      }
      expect(out + u.end()).toBe(unwrapJsonValue(s));
      expect(() => unwrapEnumAnswer(s)).not.toThrow();
    }
  });

  test('SSE event ends on edge bytes stay within the bytes; an error event of random bytes never throws', () => {
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const b = bytes(text(r, 30));
      for (let from = 0; from <= b.length; from++) {
        const end = eventEndAfter(b, from);
        expect(end).toBeGreaterThanOrEqual(from);
        expect(end).toBeLessThanOrEqual(b.length);
      }
      expect(afterLastEvent(b)).toBeLessThanOrEqual(b.length);
      expect(eventEndIn(b, [bytes(text(r, 4))])).toBeLessThanOrEqual(b.length);
      const found = upstreamErrorEvent(b, [bytes(`data: {"error":${text(r, 8)}`)], redactPatterns);
      if (found) expect(found.bytes.length).toBeGreaterThan(0);
    }
  });

  test('upstream error bodies of any shape map to an error; media types and ids never throw', () => {
    const r = rng(4);
    for (let i = 0; i < 2000; i++) {
      let body: unknown = text(r, 40);
      try {
        body = JSON.parse(body as string);
      } catch {
        // plain text body
      }
      const shapes: unknown[] = [
        body, null, [null], { detail: [null, 5, { msg: 3 }, { loc: [{ a: 1 }, null, 'x'], msg: text(r, 10) }] },
        { error: { message: [{ loc: 'body', msg: 'm' }], param: 5, code: {} } }, { message: { detail: 'x' } },
      ];
      for (const b of shapes) expect(mapOpenAIErrorBody(400 + r(200), b)).toBeInstanceOf(GatewayError);
      const details = [null, 3, { '@type': 5 }, { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [null, { quotaId: 7 }] }];
      expect(mapGeminiError(400 + r(200), { error: { code: 'x', message: 5, details } })).toBeInstanceOf(GatewayError);
      const err = new GatewayError('GW_BAD_REQUEST', text(r, 30), { status: 400, upstream: { status: r(2) ? 400 : 422, message: `${text(r, 60)} supports at most ${r(1e9)} completion tokens ${text(r, 20)}` } });
      expect(() => findStatedOutputLimit(err, { max_tokens: r(1e9), max_completion_tokens: text(r, 3) })).not.toThrow();
      expect(() => findRefusedField(err, { reasoning_effort: 'high' }, ['reasoning_effort'])).not.toThrow();
      expect(() => mapImageMediaType(text(r, 12), text(r, 40))).not.toThrow();
      expect(() => unwrapCarried(`swy1t:${text(r, 10)}:${Buffer.from(text(r, 30)).toString('base64url')}`)).not.toThrow();
      expect(() => withoutEncryptedReasoning([null, 1, text(r, 5), { type: 'reasoning', encrypted_content: text(r, 5) }, { type: 'message', role: 'assistant', id: 'x' }])).not.toThrow();
      expect(() => mapToolCallIds([{ role: 'assistant', tool_calls: [null, 1, { id: 5 }, { id: text(r, 20) }] }, { role: 'tool', tool_call_id: text(r, 20) }])).not.toThrow();
    }
  });

  test('a stated limit is only read below what was asked; image types sniffed from short or empty data fall back to the label', () => {
    const refusal = (message: string) => new GatewayError('GW_BAD_REQUEST', message, { status: 400, upstream: { status: 400, message } });
    expect(findStatedOutputLimit(refusal('This model supports at most 16384 completion tokens'), { max_tokens: 32000 })).toEqual({ field: 'max_tokens', limit: 16384 });
    expect(findStatedOutputLimit(refusal('This model supports at most 99999999999999999999 completion tokens'), { max_tokens: 32000 })).toBeUndefined();
    expect(findStatedOutputLimit(refusal('supports at most 0 completion tokens'), { max_tokens: 32000 })).toBeUndefined();
    expect(mapImageMediaType('IMAGE/JPG', '')).toBe('image/jpeg');
    expect(mapImageMediaType('image/png', 'iVBO')).toBe('image/png');
    expect(mapImageMediaType('image/png', '/9j/4AAQSkZJRgABAQ')).toBe('image/jpeg');
    expect(mapImageMediaType('image/png', '!!!!not base64!!!!!!!!!!!!')).toBe('image/png');
  });
});
