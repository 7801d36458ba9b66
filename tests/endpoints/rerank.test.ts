import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const FIXTURES = '/work/shared/fixtures/rerank';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as Record<string, unknown>;
const cohereRequest = fixture('cohere-v2-rerank.request.json');
const jinaRequest = fixture('jina-rerank.request.json');

let m: MockMedia;
let t: TestGateway;

beforeAll(async () => {
  m = await startMockMedia();
  t = await startTestGateway(`
providers:
  cohere: { type: cohere, base_url: "${m.origin}", keys: [co-key-1234567], allow_private_network: true }
  jina: { type: openai, base_url: "${m.url}", keys: [jina-key-1234567], allow_private_network: true }
  voyage: { type: openai, base_url: "${m.url}", keys: [vo-key-1234567], allow_private_network: true, quirks: { rerank_top_field: top_k } }
combos:
  rankers: { models: [cohere/rerank-v3.5, jina/jina-reranker-v2-base-multilingual] }
`);
});
afterAll(async () => {
  await t?.stop();
  await m?.stop();
});

const rerank = (body: unknown, query = '') => t.fetch(`/v1/rerank${query}`, { method: 'POST', json: body });

describe('POST /v1/rerank', () => {
  test('Cohere v2 request to a Cohere upstream: the Cohere reply, unchanged', async () => {
    const res = await rerank({ ...cohereRequest, model: 'cohere/rerank-v4.0-pro' });
    expect(res.status).toBe(200);
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v2/rerank');
    expect(sent.headers.authorization).toBe('Bearer co-key-1234567');
    expect(sent.json).toEqual({ ...cohereRequest, model: 'rerank-v4.0-pro' });
    const body = await res.json();
    expect(body).toEqual(sent.reply as typeof body);
    expect((body as { results: unknown[] }).results).toHaveLength(3);
  });

  test('Jina request to a Jina upstream: the Jina shape with documents and usage', async () => {
    const res = await rerank({ ...jinaRequest, model: 'jina/jina-reranker-v2-base-multilingual' });
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v1/rerank');
    expect(sent.json).toEqual({ ...jinaRequest, model: 'jina-reranker-v2-base-multilingual' });
    const reply = sent.reply as { results: unknown[]; usage: unknown };
    const body = (await res.json()) as { model: string; results: unknown[]; usage: unknown };
    expect(body.results).toEqual(reply.results);
    expect(body.usage).toEqual(reply.usage);
    expect(body.model).toBe('jina/jina-reranker-v2-base-multilingual');
  });

  test('the client’s shape wins over the upstream’s: format=cohere from a Jina upstream', async () => {
    const res = await rerank({ ...cohereRequest, model: 'jina/jina-reranker-v2-base-multilingual' }, '?format=cohere');
    const body = (await res.json()) as { id: string; results: Array<Record<string, unknown>>; meta: { billed_units: unknown } };
    const upstream = (m.requests.at(-1)!.reply as { results: Array<{ index: number; relevance_score: number }> }).results;
    expect(body.results).toEqual(upstream.map((r) => ({ index: r.index, relevance_score: r.relevance_score })));
    expect(typeof body.id).toBe('string');
    expect(body.meta.billed_units).toEqual({ search_units: 1 });
  });

  test('a Jina-only field (return_documents) gets the Jina shape from a Cohere upstream, documents filled in', async () => {
    const res = await rerank({ ...jinaRequest, model: 'cohere/rerank-v3.5', return_documents: true });
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v2/rerank');
    expect(sent.json).not.toHaveProperty('return_documents');
    const body = (await res.json()) as { results: Array<{ index: number; document: { text: string }; relevance_score: number }> };
    const docs = jinaRequest.documents as string[];
    expect(body.results.length).toBe(3);
    for (const r of body.results) expect(r.document.text).toBe(docs[r.index]);
    const upstream = (sent.reply as { results: Array<{ index: number; relevance_score: number }> }).results;
    expect(body.results.map((r) => [r.index, r.relevance_score])).toEqual(upstream.map((r) => [r.index, r.relevance_score]));
  });

  test('fallback: Cohere 500 → Jina; usage row with the Jina token count', async () => {
    m.script([{ status: 500, body: { message: 'internal error' } }]);
    const res = await rerank({ ...jinaRequest, model: 'rankers' });
    expect(res.status).toBe(200);
    expect(m.requests.at(-2)!.path).toBe('/v2/rerank');
    expect(m.requests.at(-1)!.path).toBe('/v1/rerank');
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({
      operation: 'rerank', provider: 'jina', upstreamModel: 'jina-reranker-v2-base-multilingual', attempts: 2, status: 'ok', inputTokens: 815,
    });
  });

  test('the Voyage quirk renames top_n to top_k', async () => {
    await rerank({ model: 'voyage/rerank-2.5', query: 'q', documents: ['a', 'b'], top_n: 1 });
    expect(m.requests.at(-1)!.json).toEqual({ model: 'rerank-2.5', query: 'q', documents: ['a', 'b'], top_k: 1 });
  });

  test('a Cohere upstream error keeps its message; bad bodies are 400s', async () => {
    m.script([{ status: 422, body: { message: 'invalid request: too many documents' } }]);
    const res = await rerank({ ...cohereRequest, model: 'cohere/rerank-v3.5' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('invalid request: too many documents');
    const bad = await rerank({ model: 'cohere/rerank-v3.5', documents: ['a'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('query');
  });
});
