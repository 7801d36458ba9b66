import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { cosine, mockEmbedding, startMockEmbeddings, type MockEmbeddings } from '../helpers/mock-embeddings-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * The semantic tier: the last user turn is embedded by a configured provider (the deterministic
 * bag-of-words mock) and a cached reply answers a paraphrase at or above the threshold.
 */
let up: MockOpenAI;
let emb: MockEmbeddings;
let t: TestGateway;
let client: OpenAI;

const THRESHOLD = 0.95;
const ORIGINAL = 'What is the capital of France?';
const PARAPHRASE = "France's capital: what is it?";
const NEAR_MISS = 'What is the capital of Germany?';

beforeAll(async () => {
  up = await startMockOpenAI({ respond: (body) => ({ content: `reply ${up.requests.length}: ${JSON.stringify((body.messages as Array<{ content: string }>).at(-1)?.content)}` }) });
  emb = startMockEmbeddings();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream], allow_private_network: true }
  emb: { type: openai, base_url: "${emb.url}", keys: [sk-embed-key], allow_private_network: true }
plugins:
  - response-cache:
      ttl: 10m
      semantic: { embed_provider: emb/mock-embed-64, threshold: ${THRESHOLD} }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
  await emb.stop();
});

const ask = (content: string, system?: string, c = client) => c.chat.completions.create({
  model: 'up/gpt-4o', messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content }],
}).withResponse();

describe('semantic tier', () => {
  test('the test embedding puts the paraphrase above the threshold and the near miss below it', () => {
    expect(cosine(mockEmbedding(ORIGINAL), mockEmbedding(PARAPHRASE))).toBeGreaterThanOrEqual(THRESHOLD);
    expect(cosine(mockEmbedding(ORIGINAL), mockEmbedding(NEAR_MISS))).toBeLessThan(THRESHOLD);
    expect(cosine(mockEmbedding(ORIGINAL), mockEmbedding(NEAR_MISS))).toBeGreaterThan(0.3);
  });

  test('a paraphrase above the threshold is a semantic hit: no upstream call', async () => {
    const a = await ask(ORIGINAL);
    expect(a.response.headers.get('x-switchyard-cache')).toBe('miss');
    const before = up.requests.length;
    const b = await ask(PARAPHRASE);
    expect(b.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(b.response.headers.get('x-switchyard-cache-tier')).toBe('semantic');
    expect(Number(b.response.headers.get('x-switchyard-cache-similarity'))).toBeGreaterThanOrEqual(THRESHOLD);
    expect(up.requests.length).toBe(before);
    expect(b.data.choices[0].message.content).toBe(a.data.choices[0].message.content);
    // The embeddings provider got the last user turn, its model and its own key.
    const sent = emb.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: 'mock-embed-64', input: PARAPHRASE });
    expect(sent.authorization).toBe('Bearer sk-embed-key');
  });

  test('a prompt below the threshold is a miss and reaches the upstream', async () => {
    const before = up.requests.length;
    const r = await ask(NEAR_MISS);
    expect(r.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(up.requests.length).toBe(before + 1);
    expect(r.data.choices[0].message.content).toContain('Germany');
  });

  test('a streamed paraphrase is answered as a stream', async () => {
    const before = up.requests.length;
    const final = await client.chat.completions.stream({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'capital of france?' }] }).finalChatCompletion();
    expect(final.choices[0].message.content).toContain('What is the capital of France?');
    expect(up.requests.length).toBe(before);
  });

  test('the rest of the conversation must be identical: another system prompt misses', async () => {
    const before = up.requests.length;
    const r = await ask(PARAPHRASE, 'Answer in French.');
    expect(r.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(up.requests.length).toBe(before + 1);
  });

  test('entries are scoped per client key', async () => {
    const other = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.gw.keys.createKey({ name: 'other' }).secret, maxRetries: 0 });
    const r = await ask(PARAPHRASE, undefined, other);
    expect(r.response.headers.get('x-switchyard-cache')).toBe('miss');
  });

  test('a failing embeddings provider only skips the semantic tier', async () => {
    emb.failWith(500);
    try {
      const before = up.requests.length;
      const r = await ask('Which is the capital of France, please?');
      expect(r.response.status).toBe(200);
      expect(r.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(up.requests.length).toBe(before + 1);
    } finally {
      emb.failWith(0);
    }
  });

  test('stats count semantic hits and vectors', async () => {
    const s = await fetch(`${t.url}/api/cache/stats`, { headers: { authorization: `Bearer ${t.gw.adminToken}` } }).then((r) => r.json());
    expect(s.hits.semantic).toBe(2);
    expect(s.semantic.enabled).toBe(true);
    expect(s.semantic.vectors).toBeGreaterThanOrEqual(3);
    expect(s.semanticHitRate).toBeGreaterThan(0);
  });

  test('a reply refreshed with Cache-Control: no-cache still answers paraphrases', async () => {
    const original = 'What is the height of Everest?';
    const paraphrase = "Everest's height: what is it?";
    expect(cosine(mockEmbedding(original), mockEmbedding(paraphrase))).toBeGreaterThanOrEqual(THRESHOLD);
    await ask(original);
    const fresh = await client.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content: original }] }, { headers: { 'cache-control': 'no-cache' } });
    await t.settled();
    const before = up.requests.length;
    const r = await ask(paraphrase);
    expect(r.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(r.response.headers.get('x-switchyard-cache-tier')).toBe('semantic');
    expect(r.data.choices[0].message.content).toBe(fresh.choices[0].message.content);
    expect(up.requests.length).toBe(before);
  });
});
