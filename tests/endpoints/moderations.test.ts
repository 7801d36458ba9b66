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
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true, models: [omni-moderation-latest] }
  b: { type: openai, base_url: "${b.url}", keys: [sk-b-1234567], allow_private_network: true, models: [omni-moderation-latest] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await a?.stop();
  await b?.stop();
});

describe('POST /v1/moderations with the openai SDK', () => {
  test('a list of strings: one verdict each, equal to the upstream reply', async () => {
    const res = await client.moderations.create({ model: 'a/omni-moderation-latest', input: ['I will kill you', 'a nice day'] });
    const sent = a.requests.at(-1)!;
    expect(sent.path).toBe('/v1/moderations');
    expect(sent.json).toEqual({ model: 'omni-moderation-latest', input: ['I will kill you', 'a nice day'] });
    const reply = sent.reply as { id: string; results: unknown[] };
    expect(res.results).toEqual(reply.results as typeof res.results);
    expect(res.id).toBe(reply.id);
    expect(res.results.map((r) => r.flagged)).toEqual([true, false]);
  });

  test('multimodal parts go up as one input', async () => {
    const input = [
      { type: 'text' as const, text: 'look at this' },
      { type: 'image_url' as const, image_url: { url: 'https://example.test/cat.png' } },
    ];
    const res = await client.moderations.create({ model: 'a/omni-moderation-latest', input });
    expect(a.requests.at(-1)!.json!.input).toEqual(input);
    expect(res.results).toHaveLength(1);
  });

  test('without a model the default is routed to the providers that list it (with fallback)', async () => {
    a.script([{ status: 502 }]);
    const res = await client.moderations.create({ input: 'no model given' });
    expect(b.requests.at(-1)!.json).toEqual({ model: 'omni-moderation-latest', input: 'no model given' });
    expect(res.results[0].flagged).toBe(false);
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({ operation: 'moderate', provider: 'b', attempts: 2, status: 'ok' });
  });

  test('an empty list is a 400 naming the input', async () => {
    const r = await t.fetch('/v1/moderations', { method: 'POST', json: { input: [] } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { param: string } }).error.param).toBe('input');
  });
});
