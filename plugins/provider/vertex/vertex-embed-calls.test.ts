import { describe, expect, test } from 'bun:test';
import type { EmbedRequest } from '../../../core/types/operations.ts';
import { convertToVertexEmbedCalls } from './convert-to-vertex-embed-calls.ts';
import { mapVertexEmbedContentReply, mapVertexPredictReply } from './map-vertex-embed-reply.ts';

const req = (input: string[], more: Partial<EmbedRequest> = {}): EmbedRequest => ({ model: 'm', input, ...more });
const sizes = (texts: string[], model: string) => convertToVertexEmbedCalls(texts, req(texts), model).calls.map((c) => c.inputs);

describe('convertToVertexEmbedCalls', () => {
  test('the method and per-call limit follow the model, as @google/genai splits them in Vertex mode', () => {
    const texts = Array.from({ length: 600 }, (_, i) => `t${i}`);
    expect(convertToVertexEmbedCalls(texts, req(texts), 'text-embedding-005').method).toBe('predict');
    expect(sizes(texts, 'text-embedding-005')).toEqual([250, 250, 100]);
    expect(sizes(texts, 'text-multilingual-embedding-002')).toEqual([250, 250, 100]);
    expect(sizes(texts.slice(0, 3), 'gemini-embedding-001')).toEqual([1, 1, 1]);
    const newer = convertToVertexEmbedCalls(texts.slice(0, 2), req(texts), 'gemini-embedding-2-preview');
    expect([newer.method, newer.calls.map((c) => c.inputs)]).toEqual(['embedContent', [1, 1]]);
  });

  test('a call stays under about 20,000 tokens counted as UTF-8 bytes / 3 (CJK text: ~1 token a character)', () => {
    const cjk = Array.from({ length: 300 }, () => '語'.repeat(100)); // 300 bytes, 100 tokens each
    expect(sizes(cjk, 'text-embedding-005')).toEqual([200, 100]);
    const huge = ['x'.repeat(90_000), 'small', 'x'.repeat(90_000)];
    expect(sizes(huge, 'text-embedding-005')).toEqual([1, 1, 1]);
  });

  test('task type from the hub input type or a Gemini client\'s own; title only with RETRIEVAL_DOCUMENT; the size', () => {
    const one = (r: EmbedRequest, model = 'text-embedding-005') => convertToVertexEmbedCalls(r.input as string[], r, model).calls[0]!.body;
    expect(one(req(['a'], { inputType: 'document', dimensions: 64 }))).toEqual({ instances: [{ content: 'a', task_type: 'RETRIEVAL_DOCUMENT' }], parameters: { outputDimensionality: 64 } });
    expect(one(req(['a'], { inputType: 'query', providerOptions: { gemini: { taskType: 'RETRIEVAL_DOCUMENT', title: 'T' } } })))
      .toEqual({ instances: [{ content: 'a', task_type: 'RETRIEVAL_DOCUMENT', title: 'T' }] });
    expect(one(req(['a'], { providerOptions: { gemini: { taskType: 'CLUSTERING', title: 'T' } } }))).toEqual({ instances: [{ content: 'a', task_type: 'CLUSTERING' }] });
    expect(one(req(['a'], { inputType: 'classification', dimensions: 8 }), 'gemini-embedding-2')).toEqual({
      content: { role: 'user', parts: [{ text: 'a' }] }, embedContentConfig: { taskType: 'CLASSIFICATION', outputDimensionality: 8 },
    });
    expect(one(req(['a']), 'gemini-embedding-2')).toEqual({ content: { role: 'user', parts: [{ text: 'a' }] } });
  });
});

describe('Vertex embedding replies', () => {
  test(':predict: vectors in order, token counts summed (rounded), billable characters', () => {
    const reply = {
      predictions: [
        { embeddings: { values: [0.1, 0.2], statistics: { token_count: 5.0, truncated: false } } },
        { embeddings: { values: [0.3, 0.4], statistics: { truncated: true, token_count: 2048 } } },
      ],
      metadata: { billableCharacterCount: 35 },
    };
    expect(mapVertexPredictReply(reply, 2)).toEqual({ vectors: [[0.1, 0.2], [0.3, 0.4]], tokens: 2053, characters: 35 });
    expect(mapVertexPredictReply({ predictions: [{ embeddings: { values: [1] } }] }, 1)).toEqual({ vectors: [[1]] });
  });

  test('a vector short or malformed is a retryable protocol error', () => {
    for (const [json, n] of [[{ predictions: [] }, 1], [{ predictions: [{ embeddings: { values: ['x'] } }] }, 1], [{}, 2]] as const) {
      expect(() => mapVertexPredictReply(json, n)).toThrow(expect.objectContaining({ code: 'GW_UPSTREAM_PROTOCOL', retryable: true }));
    }
    expect(() => mapVertexEmbedContentReply({ embedding: {} })).toThrow(expect.objectContaining({ code: 'GW_UPSTREAM_PROTOCOL' }));
  });

  test(':embedContent: the vector and usageMetadata.promptTokenCount', () => {
    expect(mapVertexEmbedContentReply({ embedding: { values: [1, 2] }, usageMetadata: { promptTokenCount: 7 }, truncated: false })).toEqual({ vectors: [[1, 2]], tokens: 7 });
  });
});
