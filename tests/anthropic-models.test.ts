/**
 * `GET /v1/models` speaks the client's dialect: Anthropic clients (they send `anthropic-version`)
 * get the Models API shape with its cursor paging, OpenAI clients the OpenAI list, on the same
 * path of the same gateway. Clients are the official SDKs.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';

let gw: TestGateway;
let anthropic: Anthropic;
let openai: OpenAI;
/** 23 provider models, 1 alias, 1 combo: more than one Anthropic page of 20. */
const MODELS = Array.from({ length: 23 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
const ALL = [...MODELS.map((m) => `up/${m}`), 'fast', 'team'];

beforeAll(async () => {
  gw = await startTestGateway(`
providers:
  up: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-up-1234567], allow_private_network: true, models: [${MODELS.join(', ')}] }
aliases: { fast: up/m-00 }
combos:
  team: { models: [up/m-01, up/m-02] }
`);
  anthropic = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
});

describe('GET /v1/models for Anthropic clients', () => {
  test('the SDK pages through every model, 20 at a time, in the Models API shape', async () => {
    const first = await anthropic.models.list();
    expect(first.data).toHaveLength(20);
    expect(first.has_more).toBe(true);
    expect(first.first_id).toBe('up/m-00');
    expect(first.last_id).toBe('up/m-19');
    expect(first.data[0]).toEqual({
      type: 'model', id: 'up/m-00', display_name: 'up/m-00', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string,
      lifecycle: 'active', capabilities: null, deprecated_at: null, retires_at: null, line: null, max_input_tokens: null, max_tokens: null,
    });
    const seen: string[] = [];
    for await (const m of anthropic.models.list({ limit: 7 })) seen.push(m.id);
    expect(seen).toEqual(ALL);
  });

  test('before_id pages backwards; has_more says whether there is more that way', async () => {
    const back = await anthropic.models.list({ before_id: 'up/m-05', limit: 3 });
    expect(back.data.map((m) => m.id)).toEqual(['up/m-02', 'up/m-03', 'up/m-04']);
    expect(back.has_more).toBe(true);
    const start = await anthropic.models.list({ before_id: 'up/m-02', limit: 5 });
    expect(start.data.map((m) => m.id)).toEqual(['up/m-00', 'up/m-01']);
    expect(start.has_more).toBe(false);
  });

  test('retrieve: one model, ids with a slash included; an unknown id is a NotFoundError', async () => {
    expect(await anthropic.models.retrieve('up/m-07')).toMatchObject({ type: 'model', id: 'up/m-07' });
    expect((await anthropic.models.retrieve('team')).id).toBe('team');
    const missing = await anthropic.models.retrieve('up/nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  test('a bad key and bad paging are answered in the Anthropic error shape', async () => {
    const bad = new Anthropic({ apiKey: 'sy-wrong', baseURL: gw.url, maxRetries: 0 });
    const denied = await bad.models.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'after_id=up%2Fnope']) {
      const r = await fetch(`${gw.url}/v1/models?${query}`, { headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01' } });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
  });
});

describe('GET /v1/models for OpenAI clients, on the same gateway', () => {
  test('the OpenAI list, every model; errors in the OpenAI shape', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) {
      expect(m.object).toBe('model');
      ids.push(m.id);
    }
    expect(ids).toEqual(ALL);
    expect((await openai.models.retrieve('up/m-03')).id).toBe('up/m-03');
    const denied = await new OpenAI({ apiKey: 'sy-wrong', baseURL: `${gw.url}/v1`, maxRetries: 0 }).models.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test('the API docs list the path once, naming the Anthropic variant', async () => {
    const spec = (await (await fetch(`${gw.url}/docs/openapi.json`)).json()) as { paths: Record<string, { get?: { summary: string; description?: string } }> };
    expect(spec.paths['/v1/models']?.get?.summary).toBe('List models (OpenAI format)');
    expect(spec.paths['/v1/models']?.get?.description).toContain('With a `anthropic-version` header: List models (Anthropic Models API).');
    expect(spec.paths['/v1/models/{model}']?.get?.description).toContain('Retrieve a model (Anthropic Models API)');
  });
});
