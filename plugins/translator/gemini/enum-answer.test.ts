import { describe, expect, test } from 'bun:test';
import type { StreamPart } from '../../../core/types/hub.ts';
import { convertGeminiGenerationConfig } from './convert-gemini-generation-config.ts';
import { ENUM_FORMAT_NAME, isEnumRequest, unwrapEnumAnswer, unwrapEnumResult } from './enum-answer.ts';
import { GeminiStreamEncoder } from './gemini-stream-encoder.ts';
import type { GeminiGenerateContentResponse } from './gemini-response-types.ts';

describe('text/x.enum', () => {
  test('decodes to an object root holding the enum (both schema fields)', () => {
    const want = {
      type: 'json_schema', name: ENUM_FORMAT_NAME, strict: true,
      schema: { type: 'object', properties: { value: { type: 'string', enum: ['a', 'b'] } }, required: ['value'], additionalProperties: false },
    };
    const fromOpenApi = convertGeminiGenerationConfig({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } });
    expect(fromOpenApi.settings.responseFormat).toEqual(want as never);
    const fromJson = convertGeminiGenerationConfig({ responseMimeType: 'text/x.enum', responseJsonSchema: { type: 'string', enum: ['a', 'b'] } });
    expect(fromJson.settings.responseFormat).toEqual(want as never);
    expect(isEnumRequest(fromJson.settings.responseFormat)).toBe(true);
    expect(fromJson.native.responseMimeType).toBeUndefined();
    const plainJson = convertGeminiGenerationConfig({ responseMimeType: 'application/json', responseJsonSchema: { type: 'string', enum: ['a', 'b'] } });
    expect(isEnumRequest(plainJson.settings.responseFormat)).toBe(false);
  });

  test('the answer is the bare value; anything else passes unchanged', () => {
    expect(unwrapEnumAnswer('{"value":"a"}')).toBe('a');
    expect(unwrapEnumAnswer(' { "value" : "b" }\n')).toBe('b');
    expect(unwrapEnumAnswer('"a"')).toBe('a');
    expect(unwrapEnumAnswer('a')).toBe('a');
    expect(unwrapEnumAnswer('1')).toBe('1');
    expect(unwrapEnumAnswer('{"other":1}')).toBe('{"other":1}');
  });

  test('a result: the text parts become the one bare value, other parts stay', () => {
    const out = unwrapEnumResult({
      id: 'r', model: 'm', finishReason: 'stop',
      content: [{ type: 'reasoning', text: 'hm' }, { type: 'text', text: '{"value":' }, { type: 'text', text: '"a"}' }],
    });
    expect(out.content).toEqual([{ type: 'reasoning', text: 'hm' }, { type: 'text', text: 'a' }]);
  });

  test('a stream: the text is held and leaves bare with the last chunk', () => {
    const enc = new GeminiStreamEncoder({ id: 'r', model: 'm' }, { enumAnswer: true });
    const parts: StreamPart[] = [
      { type: 'start', id: 'r', model: 'm' },
      { type: 'text-delta', text: '{"value":"' },
      { type: 'text-delta', text: 'b"}' },
      { type: 'finish', reason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } },
    ];
    const frames = parts.flatMap((p) => [...enc.push(p), ...enc.flush()]) as GeminiGenerateContentResponse[];
    expect(frames).toHaveLength(1);
    expect(frames[0]!.candidates[0]!.content.parts).toEqual([{ text: 'b' }]);
    expect(frames[0]!.candidates[0]!.finishReason).toBe('STOP');
  });
});
