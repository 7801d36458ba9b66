/**
 * A client key's model scopes on the routes that answer without the pipeline: model lists
 * offer only what the key may use (the chat route would refuse the rest with 403), a lookup of
 * another model is a 404, and token counts for another model are a 403 in the route's dialect.
 * Clients are the official SDKs.
 */
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';

let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;
/** What the scoped key lists: one provider's models and one alias (and `open/allowed-*`, unlisted: `open` has no model list). */
const ALLOWED = ['up/m-a', 'up/text-embed-a', 'fast'];

beforeAll(async () => {
  gw = await startTestGateway(`
providers:
  up: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-up-1234567], allow_private_network: true, models: [m-a, text-embed-a] }
  other: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-ot-1234567], allow_private_network: true, models: [m-b, text-embed-b] }
  open: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-op-1234567], allow_private_network: true }
aliases: { fast: up/m-a, slow: other/m-b }
combos:
  team: { models: [up/m-a, other/m-b] }
`);
  const { secret } = gw.gw.keys.createKey({ name: 'scoped', scopes: ['up/*', 'fast', 'open/allowed-*'] });
  openai = new OpenAI({ apiKey: secret, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: secret, baseURL: gw.url, maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: secret, httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } });
});
afterAll(async () => {
  await gw?.stop();
});

describe('model lists follow the key\'s scopes', () => {
  test('OpenAI: list and retrieve', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(ALLOWED);
    expect((await openai.models.retrieve('fast')).id).toBe('fast');
    expect(await openai.models.retrieve('other/m-b').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('Anthropic: list (paged) and retrieve', async () => {
    const ids: string[] = [];
    for await (const m of anthropic.models.list({ limit: 2 })) ids.push(m.id);
    expect(ids).toEqual(ALLOWED);
    expect(await anthropic.models.retrieve('team').catch((e: unknown) => e)).toBeInstanceOf(Anthropic.NotFoundError);
  });

  test('Gemini: list and get, a provider without a model list included', async () => {
    const names: string[] = [];
    for await (const m of await gemini.models.list()) names.push(m.name ?? '');
    expect(names).toEqual(ALLOWED.map((id) => `models/${id}`));
    expect((await gemini.models.get({ model: 'open/allowed-1' })).name).toBe('models/open/allowed-1');
    for (const model of ['slow', 'open/anything']) {
      const err = await gemini.models.get({ model }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(404);
    }
  });

  test('embedding models (GET /v1/embeddings)', async () => {
    const res = (await openai.get('/embeddings')) as { data: Array<{ id: string }> };
    expect(res.data.map((m) => m.id)).toEqual(['up/text-embed-a']);
  });

  test('a key without scopes still lists everything', async () => {
    const all = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of all.models.list()) ids.push(m.id);
    expect(ids).toEqual(['up/m-a', 'up/text-embed-a', 'other/m-b', 'other/text-embed-b', 'fast', 'slow', 'team']);
  });
});

describe('token counts follow the key\'s scopes', () => {
  test('Anthropic count_tokens: 403 permission_error outside, a count inside', async () => {
    const messages = [{ role: 'user' as const, content: 'hello there' }];
    expect((await anthropic.messages.countTokens({ model: 'fast', messages })).input_tokens).toBeGreaterThan(0);
    const err = await anthropic.messages.countTokens({ model: 'slow', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  test('Responses input_tokens: 403 outside, a count inside', async () => {
    expect((await openai.responses.inputTokens.count({ model: 'up/m-a', input: 'hello there' })).input_tokens).toBeGreaterThan(0);
    const err = await openai.responses.inputTokens.count({ model: 'team', input: 'hello there' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  test('Gemini countTokens: 403 PERMISSION_DENIED outside, a count inside', async () => {
    expect((await gemini.models.countTokens({ model: 'up/m-a', contents: 'hello there' })).totalTokens).toBeGreaterThan(0);
    const err = await gemini.models.countTokens({ model: 'other/m-b', contents: 'hello there' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).message).toContain('PERMISSION_DENIED');
  });
});
