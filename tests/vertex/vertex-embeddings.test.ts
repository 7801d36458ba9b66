/**
 * Embeddings through `type: vertex`, with the official SDKs against the mock Vertex AI: OpenAI
 * clients (`embeddings.create`, float and base64) and Gemini clients (`models.embedContent`) reach
 * `:predict` (text-embedding-005, gemini-embedding-001: one instance a call) and `:embedContent`
 * (newer Gemini embedding models) with the service account's token; batches split as Vertex
 * requires, usage rows, a 429 with its wait and fallback, a 401 renewal, and express mode's refusal.
 */
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockVector, startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { authorizedUserFile, createTestUser } from '../helpers/mock-vertex.ts';
import { LOCATION, PROJECT, startVertexKit, type VertexKit } from './vertex-kit.ts';

const TEXT = 'text-embedding-005';
const GEMBED = 'gemini-embedding-001';
const GEMBED2 = 'gemini-embedding-2-preview';
const EXPRESS_KEY = 'express-key-123456';
const BILLING = 'billing-project';
const user = createTestUser();
const dir = mkdtempSync(join(tmpdir(), 'vertex-embed-'));
const base = `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models`;
/** The mock's token count (one per 4 characters). */
const tokens = (t: string) => Math.max(1, Math.ceil(t.length / 4));
const f32 = (v: number[]) => Array.from(new Float32Array(v));

let kit: VertexKit;
let media: MockMedia;
let openai: OpenAI;
let ai: GoogleGenAI;

beforeAll(async () => {
  media = await startMockMedia();
  kit = await startVertexKit({
    mock: { apiKey: EXPRESS_KEY, user, quotaProjects: [PROJECT, BILLING] },
    entryExtra: `    pricing: { ${TEXT}: { per_1m_characters: 25 }, ${GEMBED}: { input: 0.15, output: 0 } }\n`,
    extra: (mock) => `  adc:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    project: ${PROJECT}
    location: ${LOCATION}
    credentials: ${userFile(mock.tokenUri)}
  vx:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    auth: { header: x-goog-api-key }
    keys: ["${EXPRESS_KEY}"]
  media: { type: openai, base_url: "${media.url}", keys: [sk-media-1234567], allow_private_network: true }
combos:
  text-then-openai: { models: [vertex/${TEXT}, media/text-embedding-3-small] }
  express-then-token: { models: [vx/${TEXT}, vertex/${TEXT}] }
`,
  });
  openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url } });
});
afterAll(async () => {
  await kit.stop();
  await media.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** gcloud user credentials whose quota project is billed for the calls. */
function userFile(tokenUri: string): string {
  const path = join(dir, 'adc.json');
  writeFileSync(path, JSON.stringify(authorizedUserFile(user, { tokenUri, quotaProjectId: BILLING })));
  return path;
}
beforeEach(() => kit.mock.reset());

describe('OpenAI SDK: embeddings.create', () => {
  test('one input: :predict under the project path with the token, the vector as Vertex sent it', async () => {
    const r = await openai.embeddings.create({ model: `vertex/${TEXT}`, input: 'hello vertex', encoding_format: 'float' });
    const [sent] = kit.mock.requests;
    expect(kit.mock.requests).toHaveLength(1);
    expect(sent!.path).toBe(`${base}/${TEXT}:predict`);
    expect(sent!.headers.authorization).toStartWith('Bearer canary-vtx-');
    expect(sent!.body).toEqual({ instances: [{ content: 'hello vertex' }] });
    expect(r.data).toEqual([{ object: 'embedding', index: 0, embedding: mockVector('hello vertex', 768) }]);
    expect(r.model).toBe(`vertex/${TEXT}`);
    expect(r.usage).toEqual({ prompt_tokens: tokens('hello vertex'), total_tokens: tokens('hello vertex') });
  });

  test('a batch with dimensions and input_type, the SDK\'s default base64: one call, vectors in order, tokens summed', async () => {
    const input = ['first text', 'second, longer text', 'third'];
    const r = await openai.embeddings.create({ model: `vertex/${TEXT}`, input, dimensions: 16, input_type: 'query' } as OpenAI.EmbeddingCreateParams);
    expect(kit.mock.requests.map((q) => q.body)).toEqual([{
      instances: input.map((content) => ({ content, task_type: 'RETRIEVAL_QUERY' })),
      parameters: { outputDimensionality: 16 },
    }]);
    expect(r.data.map((d) => d.embedding)).toEqual(input.map((t) => f32(mockVector(t, 16))));
    expect(r.usage.prompt_tokens).toBe(input.reduce((n, t) => n + tokens(t), 0));
  });

  test('encoding_format base64 on the wire: little-endian float32 of Vertex\'s values', async () => {
    const res = await kit.t.fetch('/v1/embeddings', { method: 'POST', json: { model: `vertex/${TEXT}`, input: ['b64 please'], encoding_format: 'base64', dimensions: 4 } });
    const body = (await res.json()) as { data: Array<{ embedding: string }> };
    expect(res.status).toBe(200);
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual(f32(mockVector('b64 please', 4)));
  });

  test('gemini-embedding-001 takes one instance a call: three calls, order kept, usage summed', async () => {
    const input = ['uno', 'dos dos', 'tres tres tres'];
    const r = await openai.embeddings.create({ model: `vertex/${GEMBED}`, input, encoding_format: 'float' });
    expect(kit.mock.requests.every((q) => q.path === `${base}/${GEMBED}:predict`)).toBe(true);
    expect(kit.mock.requests.map((q) => (q.body as { instances: Array<{ content: string }> }).instances.map((i) => i.content)).sort()).toEqual([['dos dos'], ['tres tres tres'], ['uno']]);
    expect(r.data.map((d) => d.embedding)).toEqual(input.map((t) => mockVector(t, 3072)));
    expect(r.usage.prompt_tokens).toBe(input.reduce((n, t) => n + tokens(t), 0));
  });

  test('more than Vertex takes a call (250 instances, 20,000 tokens): several calls, vectors in input order', async () => {
    const input = Array.from({ length: 600 }, (_, i) => `${i} ${'lorem ipsum '.repeat(i < 250 ? 33 : 1)}`);
    const r = await openai.embeddings.create({ model: `vertex/${TEXT}`, input, dimensions: 8, encoding_format: 'float' });
    const calls = kit.mock.requests.map((q) => (q.body as { instances: Array<{ content: string }> }).instances.map((i) => i.content))
      .sort((a, b) => input.indexOf(a[0]!) - input.indexOf(b[0]!));
    expect(calls.flat()).toEqual(input);
    expect(calls.every((c) => c.length <= 250)).toBe(true);
    expect(calls.every((c) => c.reduce((n, t) => n + tokens(t), 0) <= 20_000)).toBe(true);
    // The first 250 texts are ~25,000 tokens: the first call stops short of 250 instances.
    expect(calls[0]!.length).toBeLessThan(250);
    expect(r.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(r.data.map((d) => d.embedding)).toEqual(input.map((t) => mockVector(t, 8)));
    expect(r.usage.prompt_tokens).toBe(input.reduce((n, t) => n + tokens(t), 0));
  });
});

describe('@google/genai: models.embedContent', () => {
  test('a batch with task type, title and size: :predict instances carry task_type and title', async () => {
    const res = await ai.models.embedContent({
      model: `vertex/${TEXT}`, contents: ['doc one', 'doc two'], config: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Manual', outputDimensionality: 12 },
    });
    expect(kit.mock.requests.map((q) => [q.path, q.body])).toEqual([[`${base}/${TEXT}:predict`, {
      instances: ['doc one', 'doc two'].map((content) => ({ content, task_type: 'RETRIEVAL_DOCUMENT', title: 'Manual' })),
      parameters: { outputDimensionality: 12 },
    }]]);
    expect(res.embeddings?.map((e) => e.values)).toEqual(['doc one', 'doc two'].map((t) => mockVector(t, 12)));
  });

  test('a Gemini task type Vertex shares (SEMANTIC_SIMILARITY) goes as it is; a title without RETRIEVAL_DOCUMENT does not', async () => {
    await ai.models.embedContent({ model: `vertex/${TEXT}`, contents: 'similar', config: { taskType: 'SEMANTIC_SIMILARITY', title: 'ignored' } });
    expect(kit.mock.requests[0]!.body).toEqual({ instances: [{ content: 'similar', task_type: 'SEMANTIC_SIMILARITY' }] });
  });

  test('a newer Gemini embedding model: :embedContent with the content and its config', async () => {
    const res = await ai.models.embedContent({ model: `vertex/${GEMBED2}`, contents: 'alpha', config: { outputDimensionality: 8, taskType: 'RETRIEVAL_QUERY' } });
    expect(kit.mock.requests.map((q) => [q.path, q.body])).toEqual([[`${base}/${GEMBED2}:embedContent`, {
      content: { role: 'user', parts: [{ text: 'alpha' }] }, embedContentConfig: { taskType: 'RETRIEVAL_QUERY', outputDimensionality: 8 },
    }]]);
    expect(res.embeddings?.map((e) => e.values)).toEqual([mockVector('alpha', 8)]);
  });

  test('several inputs to such a model (OpenAI client): one :embedContent call each, in order', async () => {
    const r = await openai.embeddings.create({ model: `vertex/${GEMBED2}`, input: ['alpha', 'beta', 'gamma'], encoding_format: 'float' });
    expect(kit.mock.requests.map((q) => q.path)).toEqual(Array(3).fill(`${base}/${GEMBED2}:embedContent`));
    expect(r.data.map((d) => d.embedding)).toEqual(['alpha', 'beta', 'gamma'].map((t) => mockVector(t, 3072)));
    expect(r.usage.prompt_tokens).toBe(tokens('alpha') + tokens('beta') + tokens('gamma'));
  });
});

describe('usage', () => {
  test('a usage row with the input tokens; the billable characters priced per character', async () => {
    const input = ['count me', 'and me too'];
    await openai.embeddings.create({ model: `vertex/${TEXT}`, input });
    kit.t.gw.usage.flush();
    const row = kit.t.gw.usage.recent(1)[0]!;
    expect(row).toMatchObject({ operation: 'embed', provider: 'vertex', upstreamModel: TEXT, inputTokens: tokens(input[0]!) + tokens(input[1]!), outputTokens: 0, status: 'ok' });
    expect(row.estimated).toBeFalsy();
    const characters = input.join('').replace(/\s/g, '').length;
    expect(row.costUsd).toBeCloseTo((characters * 25) / 1e6, 12);
  });

  test('gemini-embedding-001 priced per token', async () => {
    await openai.embeddings.create({ model: `vertex/${GEMBED}`, input: 'token priced text' });
    kit.t.gw.usage.flush();
    const row = kit.t.gw.usage.recent(1)[0]!;
    expect(row).toMatchObject({ operation: 'embed', inputTokens: tokens('token priced text') });
    expect(row.costUsd).toBeCloseTo((tokens('token priced text') * 0.15) / 1e6, 12);
  });
});

describe('errors and credentials', () => {
  test('429 RESOURCE_EXHAUSTED alone: 429 with the RetryInfo wait as Retry-After', async () => {
    kit.mock.script([{ status: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.', retryDelay: '17s' }]);
    const res = await kit.t.fetch('/v1/embeddings', { method: 'POST', json: { model: `vertex/${TEXT}`, input: 'x' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('17');
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Quota exceeded');
    kit.mock.script([{ status: 429, retryDelay: '5s' }]);
    const err = await openai.embeddings.create({ model: `vertex/${TEXT}`, input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });

  test('429 in a combo: retryable, the next target answers', async () => {
    kit.mock.script([{ status: 429, retryDelay: '17s' }]);
    const before = media.requests.length;
    const r = await openai.embeddings.create({ model: 'text-then-openai', input: 'fall back', encoding_format: 'float' });
    expect(kit.mock.requests.map((q) => q.fault?.status)).toEqual([429]);
    expect(media.requests.slice(before).map((q) => q.path)).toEqual(['/v1/embeddings']);
    expect(r.data[0]!.embedding).toEqual((media.requests.at(-1)!.reply as { data: Array<{ embedding: number[] }> }).data[0]!.embedding);
    kit.t.gw.usage.flush();
    expect(kit.t.gw.usage.recent(1)[0]).toMatchObject({ operation: 'embed', provider: 'media', attempts: 2, status: 'ok' });
  });

  test('a 401 (token revoked) renews the token once and the call goes again', async () => {
    const exchanges = kit.mock.exchanges.length;
    kit.mock.revokeTokens();
    const r = await openai.embeddings.create({ model: `vertex/${TEXT}`, input: 'after revoke', encoding_format: 'float' });
    expect(r.data[0]!.embedding).toEqual(mockVector('after revoke', 768));
    expect(kit.mock.exchanges.length).toBe(exchanges + 1);
    expect(kit.mock.requests.map((q) => q.headers.authorization)).toEqual([expect.any(String), `Bearer ${kit.mock.issued().at(-1)}`]);
    expect(kit.mock.requests[0]!.headers.authorization).not.toBe(kit.mock.requests[1]!.headers.authorization);
  });

  test('gcloud user credentials: the user\'s token and the quota project header go with the call', async () => {
    const r = await openai.embeddings.create({ model: `adc/${TEXT}`, input: 'billed elsewhere', encoding_format: 'float' });
    expect(r.data[0]!.embedding).toEqual(mockVector('billed elsewhere', 768));
    const [sent] = kit.mock.requests;
    expect([sent!.path, sent!.headers['x-goog-user-project']]).toEqual([`${base}/${TEXT}:predict`, BILLING]);
    expect(sent!.headers.authorization).toStartWith('Bearer canary-vtx-u');
  });

  test('express mode (API key, no project) has no embeddings: a clear 400 before any call; a combo moves on', async () => {
    const res = await kit.t.fetch('/v1/embeddings', { method: 'POST', json: { model: `vx/${TEXT}`, input: 'x' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('express mode');
    expect(kit.mock.requests).toHaveLength(0);
    const r = await openai.embeddings.create({ model: 'express-then-token', input: 'moved on', encoding_format: 'float' });
    expect(r.data[0]!.embedding).toEqual(mockVector('moved on', 768));
    expect(kit.mock.requests.map((q) => q.headers['x-goog-api-key'] ?? 'none')).toEqual(['none']);
  });

  test('Claude, open models and token-array inputs are refused before any call', async () => {
    for (const json of [
      { model: 'vertex/claude-sonnet-4-5@20250929', input: 'x' },
      { model: 'vertex/meta/llama-4-maverick-17b-128e-instruct-maas', input: 'x' },
      { model: `vertex/${TEXT}`, input: [1, 2, 3] },
    ]) {
      const res = await kit.t.fetch('/v1/embeddings', { method: 'POST', json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no embeddings for|text inputs only/);
    }
    expect(kit.mock.requests).toHaveLength(0);
  });
});
