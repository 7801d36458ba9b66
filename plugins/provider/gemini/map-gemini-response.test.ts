import { describe, expect, test } from 'bun:test';
import { mapGeminiResponse } from './map-gemini-response.ts';

describe('mapGeminiResponse', () => {
  test('a signed function call also yields the signature as a reasoning part before it, as streams do', () => {
    const result = mapGeminiResponse({
      candidates: [{
        content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: 'SIG1' }, { text: 'done', thoughtSignature: 'SIG2' }] },
        finishReason: 'STOP',
      }],
      responseId: 'r1',
    }, { model: 'gemini-3-pro-preview' });
    expect(result.content).toEqual([
      { type: 'reasoning', text: '', signature: 'SIG1', origin: 'gemini' },
      { type: 'tool-call', id: 'call_r1_0', name: 'get_weather', arguments: '{"location":"Paris"}', providerOptions: { gemini: { thoughtSignature: 'SIG1' } } },
      { type: 'reasoning', text: '', signature: 'SIG2', origin: 'gemini' },
      { type: 'text', text: 'done', providerOptions: { gemini: { thoughtSignature: 'SIG2' } } },
    ]);
    expect(result.finishReason).toBe('tool-calls');
  });

  test('thought parts and bare signatures stay single reasoning parts', () => {
    const result = mapGeminiResponse({
      candidates: [{ content: { role: 'model', parts: [{ text: 'plan', thought: true, thoughtSignature: 'T' }, { text: '', thoughtSignature: 'B' }] }, finishReason: 'STOP' }],
    }, { model: 'm' });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'plan', signature: 'T', origin: 'gemini' },
      { type: 'reasoning', text: '', signature: 'B', origin: 'gemini' },
    ]);
  });
});
