import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { mockVector, startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** Gemini clients embed through the gateway (any upstream); OpenAI clients reach Gemini and Cohere embeddings. */
let m: MockMedia;
let t: TestGateway;
let ai: GoogleGenAI;
let openai: OpenAI;

beforeAll(async () => {
  m = await startMockMedia();
  t = await startTestGateway(`
providers:
  g: { type: gemini, base_url: "${m.origin}", keys: [AIza-test-key-123], allow_private_network: true }
  o: { type: openai, base_url: "${m.url}", keys: [sk-o-1234567], allow_private_network: true }
  co: { type: cohere, base_url: "${m.origin}", keys: [co-key-1234567], allow_private_network: true, pricing: { embed-v4.0: { input: 0.12, output: 0 } } }
combos:
  gemini-then-openai: { models: [g/gemini-embedding-001, o/text-embedding-3-small] }
`);
  ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url } });
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await m?.stop();
});

type GeminiBatchReply = { embeddings: Array<{ values: number[] }> };

describe('Gemini dialect: models.embedContent (@google/genai)', () => {
  test('to a Gemini upstream: batchEmbedContents with task type, title and size; vectors unchanged', async () => {
    const res = await ai.models.embedContent({
      model: 'g/gemini-embedding-001',
      contents: ['first text', 'second text'],
      config: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Notes', outputDimensionality: 12 },
    });
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe('AIza-test-key-123');
    expect(sent.json).toEqual({
      requests: ['first text', 'second text'].map((text) => ({
        model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, taskType: 'RETRIEVAL_DOCUMENT', title: 'Notes', outputDimensionality: 12,
      })),
    });
    const reply = sent.reply as GeminiBatchReply;
    expect(res.embeddings?.map((e) => e.values)).toEqual(reply.embeddings.map((e) => e.values));
    expect(res.embeddings?.[0].values).toHaveLength(12);
  });

  test('to an OpenAI upstream: the same SDK call, answered in Gemini shape', async () => {
    const res = await ai.models.embedContent({ model: 'o/text-embedding-3-small', contents: 'cross format', config: { outputDimensionality: 8 } });
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.json).toEqual({ model: 'text-embedding-3-small', input: ['cross format'], dimensions: 8 });
    const reply = sent.reply as { data: Array<{ embedding: number[] }> };
    expect(res.embeddings?.[0].values).toEqual(reply.data[0].embedding);
  });

  test('raw :embedContent (single, snake_case) answers {embedding:{values}}', async () => {
    const r = await fetch(`${t.url}/v1beta/models/g/text-embedding-004:embedContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': t.key, 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ text: 'one' }, { text: 'two' }] }, task_type: 'RETRIEVAL_QUERY', output_dimensionality: 4 }),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { embedding: { values: number[] } };
    expect(body.embedding.values).toEqual(mockVector(JSON.stringify('one two'), 4));
    expect(m.requests.at(-1)!.json).toMatchObject({ requests: [{ taskType: 'RETRIEVAL_QUERY', outputDimensionality: 4 }] });
  });

  test('fallback from Gemini to OpenAI is invisible to the Gemini client', async () => {
    m.script([{ status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } } }]);
    const res = await ai.models.embedContent({ model: 'gemini-then-openai', contents: 'fall back' });
    expect(res.embeddings?.[0].values).toEqual((m.requests.at(-1)!.reply as { data: Array<{ embedding: number[] }> }).data[0].embedding);
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({ dialect: 'gemini', operation: 'embed', provider: 'o', attempts: 2, status: 'ok' });
  });

  test('errors come back in Google’s envelope', async () => {
    const r = await fetch(`${t.url}/v1beta/models/g/x:batchEmbedContents`, {
      method: 'POST', headers: { 'x-goog-api-key': t.key, 'content-type': 'application/json' }, body: JSON.stringify({ requests: [] }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
  });
});

describe('OpenAI dialect to Gemini and Cohere embedding upstreams', () => {
  test('Gemini upstream: OpenAI SDK (base64 default) gets the Gemini vectors', async () => {
    const res = await openai.embeddings.create({ model: 'g/gemini-embedding-001', input: ['alpha', 'beta'], dimensions: 6 });
    const reply = m.requests.at(-1)!.reply as GeminiBatchReply;
    expect(res.data.map((d) => d.embedding)).toEqual(reply.embeddings.map((e) => Array.from(new Float32Array(e.values))));
  });

  test('Cohere upstream: /v2/embed with input_type and output_dimension; tokens and cost recorded', async () => {
    const res = await openai.embeddings.create({ model: 'co/embed-v4.0', input: 'search me', dimensions: 10, encoding_format: 'float', input_type: 'query' } as OpenAI.EmbeddingCreateParams);
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v2/embed');
    expect(sent.headers.authorization).toBe('Bearer co-key-1234567');
    expect(sent.json).toEqual({ model: 'embed-v4.0', texts: ['search me'], input_type: 'search_query', embedding_types: ['float'], output_dimension: 10 });
    const reply = sent.reply as { embeddings: { float: number[][] }; meta: { billed_units: { input_tokens: number } } };
    expect(res.data[0].embedding).toEqual(reply.embeddings.float[0]);
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0];
    expect(row).toMatchObject({ operation: 'embed', provider: 'co', inputTokens: reply.meta.billed_units.input_tokens });
    expect(row.costUsd).toBeCloseTo((reply.meta.billed_units.input_tokens * 0.12) / 1e6, 12);
  });

  test('more inputs than one upstream call takes (Gemini 100, Cohere 96): batches, vectors in order, usage summed', async () => {
    const input = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    let before = m.requests.length;
    const g = await openai.embeddings.create({ model: 'g/gemini-embedding-001', input, encoding_format: 'float' });
    const gSent = m.requests.slice(before);
    expect(gSent.map((r) => (r.json!.requests as unknown[]).length).sort((x, y) => y - x)).toEqual([100, 100, 50]);
    expect(g.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(g.data.map((d) => d.embedding)).toEqual(input.map((text) => mockVector(JSON.stringify(text))));

    before = m.requests.length;
    const c = await openai.embeddings.create({ model: 'co/embed-v4.0', input, encoding_format: 'float' });
    const cSent = m.requests.slice(before);
    expect(cSent.map((r) => (r.json!.texts as unknown[]).length).sort((x, y) => y - x)).toEqual([96, 96, 58]);
    expect(cSent.every((r) => r.status === 200)).toBe(true);
    expect(c.data.map((d) => d.embedding)).toEqual(input.map((text) => mockVector(JSON.stringify(text))));
    const tokens = cSent.reduce((n, r) => n + (r.reply as { meta: { billed_units: { input_tokens: number } } }).meta.billed_units.input_tokens, 0);
    expect(c.usage.prompt_tokens).toBe(tokens);
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({ operation: 'embed', provider: 'co', inputTokens: tokens, status: 'ok' });
  });

  test('more than 2,048 inputs (OpenAI\'s limit) is a 400 naming input, before any upstream call', async () => {
    const input = Array.from({ length: 2049 }, (_, i) => `t${i}`);
    const before = m.requests.length;
    const err = await openai.embeddings.create({ model: 'g/gemini-embedding-001', input }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input');
    expect((err as Error).message).toContain('2048');
    const gem = await ai.models.embedContent({ model: 'g/gemini-embedding-001', contents: input }).catch((e: unknown) => e);
    expect((gem as { status?: number }).status).toBe(400);
    expect((gem as Error).message).toContain('INVALID_ARGUMENT');
    expect(m.requests.length).toBe(before);
    const ok = await openai.embeddings.create({ model: 'g/gemini-embedding-001', input: input.slice(0, 2048), encoding_format: 'float' });
    expect(ok.data).toHaveLength(2048);
  });

  test('token-array input is unsupported by Gemini and Cohere: a clear 400', async () => {
    const r = await t.fetch('/v1/embeddings', { method: 'POST', json: { model: 'co/embed-v4.0', input: [1, 2, 3] } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('text inputs only');
  });
});
