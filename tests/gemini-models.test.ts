/**
 * The Gemini model routes with the official `@google/genai` SDK. Its 3.x releases call API
 * version `v1` by default, so `models.list` and `models.get` reach `GET /v1/models[/{id}]`, the
 * path OpenAI clients use too: the SDK's `x-goog-api-key` header picks the Gemini shape there.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';

let gw: TestGateway;
/** The SDK's default API version (`v1`), and `v1beta` as older releases use. */
let ai: GoogleGenAI;
let beta: GoogleGenAI;
const ALL = ['up/m-a', 'up/m-b', 'up/m-c', 'fast', 'team'];

beforeAll(async () => {
  gw = await startTestGateway(`
providers:
  up: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-up-1234567], allow_private_network: true, models: [m-a, m-b, m-c] }
aliases: { fast: up/m-a }
combos:
  team: { models: [up/m-b, up/m-c] }
`);
  ai = new GoogleGenAI({ apiKey: gw.key, httpOptions: { baseUrl: gw.url } });
  beta = new GoogleGenAI({ apiKey: gw.key, httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } });
});
afterAll(async () => {
  await gw?.stop();
});

async function names(client: GoogleGenAI): Promise<string[]> {
  const out: string[] = [];
  for await (const m of await client.models.list()) out.push(m.name ?? '');
  return out;
}

describe('Gemini models.list and models.get through @google/genai', () => {
  test('models.list on the default API version (v1) lists every model in Gemini shape', async () => {
    expect(await names(ai)).toEqual(ALL.map((id) => `models/${id}`));
    expect(await names(beta)).toEqual(ALL.map((id) => `models/${id}`));
  });

  test('models.get on v1: a model with a slash, an alias; an unknown one is a Gemini 404', async () => {
    const model = await ai.models.get({ model: 'up/m-b' });
    expect(model.name).toBe('models/up/m-b');
    expect(model.supportedActions).toContain('generateContent');
    expect((await ai.models.get({ model: 'fast' })).name).toBe('models/fast');
    const unknown = await ai.models.get({ model: 'nope/x' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ApiError);
    expect((unknown as ApiError).status).toBe(404);
    expect((unknown as ApiError).message).toContain('NOT_FOUND');
  });

  test('a wrong key on v1 is refused in Gemini\'s envelope', async () => {
    const bad = new GoogleGenAI({ apiKey: 'sy-wrong-key-123', httpOptions: { baseUrl: gw.url } });
    const err = await bad.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toContain('UNAUTHENTICATED');
  });

  test('OpenAI clients still get the OpenAI list on the same path', async () => {
    const openai = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(ALL);
    expect((await openai.models.retrieve('up/m-c')).object).toBe('model');
  });
});
