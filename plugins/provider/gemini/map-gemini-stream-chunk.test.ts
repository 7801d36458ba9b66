import { describe, expect, test } from 'bun:test';
import { assembleChatResult } from '../../../core/util/assemble-chat-result.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { convertToGeminiContents } from './convert-to-gemini-contents.ts';
import { SKIP_SIGNATURE } from './convert-to-gemini-request.ts';
import { mapGeminiResponse } from './map-gemini-response.ts';
import { createGeminiStreamState, mapGeminiStreamChunk } from './map-gemini-stream-chunk.ts';
import type { GeminiPart, GeminiResponse } from './gemini-wire-types.ts';

const MODEL = 'gemini-3-pro-preview';
const chunk = (parts: GeminiPart[], finishReason?: string): GeminiResponse => ({
  candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }], modelVersion: MODEL, responseId: 'r1',
});

function streamed(chunks: GeminiResponse[]): StreamPart[] {
  const state = createGeminiStreamState({ model: MODEL });
  return chunks.flatMap((c) => mapGeminiStreamChunk(c, state));
}

describe('mapGeminiStreamChunk: a signature on a function call', () => {
  const thought: GeminiPart = { text: 'Read the file first.', thought: true };
  const call: GeminiPart = { functionCall: { name: 'read_file', args: { path: 'a.ts' } }, thoughtSignature: 'SIG' };

  test('closes the thought block unsigned and stays with the call, as in the JSON reply', () => {
    const parts = streamed([chunk([thought]), chunk([call], 'STOP')]);
    const fromStream = assembleChatResult(parts)!;
    const fromJson = mapGeminiResponse(chunk([thought, call], 'STOP'), { model: MODEL });
    expect(fromStream.content).toEqual(fromJson.content);
    expect(fromStream.content.map((p) => p.type)).toEqual(['reasoning', 'reasoning', 'tool-call']);
  });

  test('the next turn puts it back on the functionCall part, never the dummy', () => {
    const result = assembleChatResult(streamed([chunk([thought]), chunk([call], 'STOP')]))!;
    const { contents } = convertToGeminiContents([
      { role: 'user', content: [{ type: 'text', text: 'Read a.ts' }] },
      { role: 'assistant', content: result.content },
    ], { fillSignature: SKIP_SIGNATURE });
    expect(contents[1]!.parts).toEqual([
      { text: 'Read the file first.', thought: true },
      { functionCall: { name: 'read_file', args: { path: 'a.ts' } }, thoughtSignature: 'SIG' },
    ]);
  });

  test('a signed thought part keeps its own signature', () => {
    const parts = streamed([chunk([{ ...thought, thoughtSignature: 'TSIG' }]), chunk([{ text: 'Hi' }], 'STOP')]);
    expect(parts.filter((p) => p.type === 'reasoning-end')).toEqual([{ type: 'reasoning-end', signature: 'TSIG', origin: 'gemini' }]);
  });
});
