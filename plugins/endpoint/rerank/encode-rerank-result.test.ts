import { describe, expect, test } from 'bun:test';
import type { HttpInput } from '../../../core/plugin/types.ts';
import type { RerankRequest, RerankResult } from '../../../core/types/operations.ts';
import { encodeCohereRerank, encodeJinaRerank, pickRerankShape } from './encode-rerank-result.ts';

const req = (extra: Partial<RerankRequest> = {}): RerankRequest => ({ model: 'm', query: 'q', documents: ['a', 'b'], ...extra });
const http = (url: string, headers: Record<string, string> = {}) => ({ url: new URL(url), headers: new Headers(headers) }) as unknown as HttpInput;
const result: RerankResult = { results: [{ index: 1, relevanceScore: 0.9 }, { index: 0, relevanceScore: 0.1 }], shape: 'cohere', usage: { inputTokens: 7, outputTokens: 0 } };

describe('pickRerankShape', () => {
  test('explicit format beats body markers, which beat the upstream family', () => {
    expect(pickRerankShape(req({ returnDocuments: true }), result, http('http://x/v1/rerank?format=cohere'))).toBe('cohere');
    expect(pickRerankShape(req(), { ...result, shape: 'cohere' }, http('http://x/v1/rerank', { 'x-switchyard-rerank-format': 'jina' }))).toBe('jina');
    expect(pickRerankShape(req({ returnDocuments: false }), result, http('http://x/v1/rerank'))).toBe('jina');
    expect(pickRerankShape(req({ documents: [{ text: 'a' }] }), result, http('http://x/v1/rerank'))).toBe('jina');
    expect(pickRerankShape(req({ maxTokensPerDoc: 512 }), { ...result, shape: 'jina' }, http('http://x/v1/rerank'))).toBe('cohere');
    expect(pickRerankShape(req(), { ...result, shape: 'cohere' }, http('http://x/v1/rerank'))).toBe('cohere');
    expect(pickRerankShape(req(), { results: [] }, http('http://x/v1/rerank'))).toBe('jina');
  });
});

describe('encoders', () => {
  test('Cohere: index and score only, default meta', () => {
    const body = encodeCohereRerank({ ...result, id: 'abc', searchUnits: 2 });
    expect(body).toEqual({
      results: [{ index: 1, relevance_score: 0.9 }, { index: 0, relevance_score: 0.1 }],
      id: 'abc',
      meta: { api_version: { version: '2', is_experimental: false }, billed_units: { search_units: 2 } },
    });
  });

  test('Jina: documents from the request unless return_documents is false; usage from the hub', () => {
    expect(encodeJinaRerank(result, req(), 'gw/model')).toEqual({
      model: 'gw/model',
      usage: { total_tokens: 7, prompt_tokens: 7 },
      results: [{ index: 1, document: { text: 'b' }, relevance_score: 0.9 }, { index: 0, document: { text: 'a' }, relevance_score: 0.1 }],
    });
    const bare = encodeJinaRerank(result, req({ returnDocuments: false }), 'm') as { results: Array<Record<string, unknown>> };
    expect(bare.results[0]).toEqual({ index: 1, relevance_score: 0.9 });
  });
});
