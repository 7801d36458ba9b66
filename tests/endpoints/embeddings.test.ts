import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let a: MockMedia;
let b: MockMedia;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  a = await startMockMedia();
  b = await startMockMedia();
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true, models: [text-embedding-3-small] }
  b:
    type: openai
    base_url: "${b.url}"
    keys: [sk-b-1234567]
    allow_private_network: true
    models: [text-embedding-3-small, voyage-3.5, gpt-4o]
    quirks: { models: { "voyage-*": { embedding: true } } }
    pricing: { text-embedding-3-small: { input: 0.02, output: 0 } }
aliases: { embedder: b/text-embedding-3-small }
combos:
  ab: { models: [a/text-embedding-3-small, b/text-embedding-3-small] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await a?.stop();
  await b?.stop();
});

function lastRow() {
  t.gw.usage.flush();
  return t.gw.usage.recent(1)[0];
}

type Reply = { data: Array<{ embedding: number[]; index: number }>; usage: unknown };

describe('POST /v1/embeddings with the openai SDK', () => {
  test('float: the vectors are exactly what the upstream sent', async () => {
    const res = await client.embeddings.create({ model: 'a/text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    const sent = a.requests.at(-1)!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.json).toMatchObject({ model: 'text-embedding-3-small', input: ['hello world'] });
    expect(sent.headers.authorization).toBe('Bearer sk-a-1234567');
    const reply = sent.reply as Reply;
    expect(res.data).toHaveLength(1);
    expect(res.data[0].embedding).toEqual(reply.data[0].embedding);
    expect(res.usage).toEqual(reply.usage as typeof res.usage);
    expect(res.model).toBe('a/text-embedding-3-small');
    expect(res.object).toBe('list');
  });

  test('base64 (the SDK default): decoded vectors equal the upstream floats at float32 precision', async () => {
    const input = ['first input', 'second input', 'third'];
    const res = await client.embeddings.create({ model: 'a/text-embedding-3-small', input, dimensions: 16 });
    const sent = a.requests.at(-1)!;
    expect(sent.json?.dimensions).toBe(16);
    const reply = sent.reply as Reply;
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (let i = 0; i < input.length; i++) {
      expect(res.data[i].embedding).toHaveLength(16);
      expect(res.data[i].embedding).toEqual(Array.from(new Float32Array(reply.data[i].embedding)));
    }
  });

  test('the raw base64 answer is little-endian float32, as OpenAI sends it', async () => {
    const r = await t.fetch('/v1/embeddings', { method: 'POST', json: { model: 'a/text-embedding-3-small', input: 'raw', encoding_format: 'base64' } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: Array<{ embedding: string }> };
    const reply = a.requests.at(-1)!.reply as Reply;
    const bytes = Buffer.from(body.data[0].embedding, 'base64');
    const back = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(back).toEqual(Array.from(new Float32Array(reply.data[0].embedding)));
  });

  test('token-array inputs and unknown fields reach the upstream unchanged', async () => {
    await t.fetch('/v1/embeddings', { method: 'POST', json: { model: 'b/voyage-3.5', input: [[1, 2, 3], [4, 5]], input_type: 'query', encoding_format: 'float' } });
    expect(b.requests.at(-1)!.json).toMatchObject({ model: 'voyage-3.5', input: [[1, 2, 3], [4, 5]], input_type: 'query' });
  });

  test('an alias routes like chat', async () => {
    const res = await client.embeddings.create({ model: 'embedder', input: 'via alias', encoding_format: 'float' });
    expect(res.data[0].embedding).toEqual((b.requests.at(-1)!.reply as Reply).data[0].embedding);
  });

  test('fallback: first provider 500 → second; usage row with tokens and cost', async () => {
    a.script([{ status: 500 }]);
    const before = b.requests.length;
    const res = await client.embeddings.create({ model: 'ab', input: 'fall back please', encoding_format: 'float' });
    expect(b.requests.length).toBe(before + 1);
    const reply = b.requests.at(-1)!.reply as Reply & { usage: { prompt_tokens: number } };
    expect(res.data[0].embedding).toEqual(reply.data[0].embedding);
    const row = lastRow();
    expect(row.operation).toBe('embed');
    expect(row.provider).toBe('b');
    expect(row.attempts).toBe(2);
    expect(row.status).toBe('ok');
    expect(row.inputTokens).toBe(reply.usage.prompt_tokens);
    expect(row.estimated).toBe(false);
    expect(row.costUsd).toBeCloseTo((reply.usage.prompt_tokens * 0.02) / 1e6, 12);
  });

  test('invalid bodies are 400 in the OpenAI envelope, with the field named', async () => {
    const bad = await t.fetch('/v1/embeddings', { method: 'POST', json: { model: 'a/text-embedding-3-small', input: 42 } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { message: string; type: string; param: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.param).toBe('input');
    const fmt = await t.fetch('/v1/embeddings', { method: 'POST', json: { model: 'x', input: 'y', encoding_format: 'int8' } });
    expect(((await fmt.json()) as { error: { param: string } }).error.param).toBe('encoding_format');
    // The SDK's APIPromise is a lazy thenable: settle it through `then`.
    const err = await client.embeddings.create({ model: 'nope/unknown', input: 'x' }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  test('an unknown key is refused before the body is read', async () => {
    const r = await fetch(`${t.url}/v1/embeddings`, { method: 'POST', headers: { authorization: 'Bearer sk-wrong', 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  test('GET /v1/embeddings lists embedding models, aliases and combos only', async () => {
    const r = await t.fetch('/v1/embeddings');
    const ids = ((await r.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort();
    expect(ids).toEqual(['a/text-embedding-3-small', 'ab', 'b/text-embedding-3-small', 'b/voyage-3.5', 'embedder']);
    expect((await t.fetch('/v1/embeddings/models')).status).toBe(200);
  });
});
