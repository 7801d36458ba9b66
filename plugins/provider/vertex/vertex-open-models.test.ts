import { describe, expect, test } from 'bun:test';
import type { CallContext, CountTokensRequest, HostServices, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { createVertexAdapter } from './vertex-adapter.ts';
import { vertexAttempt } from './vertex-attempt.ts';
import { vertexDialectOf, vertexPublisherOf } from './vertex-publisher.ts';
import { readVertexTarget, vertexOpenApiUrl } from './vertex-url.ts';
import { recordingAttempt, rejection, testVertexDeps } from './vertex-test-kit.ts';

const OPEN = 'openai/gpt-oss-120b-maas';
const provider = (options: Record<string, unknown>, apiKey = false) =>
  ({ name: 'v', type: 'vertex', options, headers: {}, models: [], ...(apiKey ? { auth: { header: 'x-goog-api-key' } } : {}) }) as unknown as ProviderRuntime;

const attemptOn = (p: ProviderRuntime, reply?: () => Response) => recordingAttempt(p, OPEN, { reply, passthrough: true });
const deps = testVertexDeps;

describe('publishers', () => {
  test('a publisher-qualified id is an open model (OpenAI Chat); Claude and Gemini stay as they are', () => {
    for (const m of ['meta/llama-4-maverick-17b-128e-instruct-maas', 'deepseek-ai/deepseek-r1-0528-maas', 'qwen/qwen3-235b-a22b-instruct-2507-maas', OPEN]) {
      expect([vertexPublisherOf(m), vertexDialectOf(m)]).toEqual(['openapi', 'openai-chat']);
    }
    expect(vertexPublisherOf('claude-sonnet-4-5@20250929')).toBe('anthropic');
    expect(vertexPublisherOf('gemini-2.5-pro')).toBe('google');
  });
});

describe('the Chat Completions endpoint', () => {
  test('a region\'s host and path; the global endpoint\'s; a multi-region\'s', () => {
    const url = (location: string) => vertexOpenApiUrl({ ...readVertexTarget(provider({ location })), project: 'my-proj' });
    expect(url('us-central1')).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/endpoints/openapi/chat/completions');
    expect(url('global')).toBe('https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/endpoints/openapi/chat/completions');
    expect(url('us')).toBe('https://aiplatform.us.rep.googleapis.com/v1/projects/my-proj/locations/us/endpoints/openapi/chat/completions');
  });

  test('the dressed attempt sends the delegate\'s body unchanged to the location\'s endpoint, with the token', async () => {
    for (const [location, host] of [['global', 'aiplatform.googleapis.com'], ['us-east5', 'us-east5-aiplatform.googleapis.com']]) {
      const { attempt, sent } = attemptOn(provider({ project: 'p', location }));
      const dressed = await vertexAttempt(attempt, 'openapi', deps);
      const body = JSON.stringify({ model: OPEN, messages: [{ role: 'user', content: 'hi' }] });
      const res = await dressed.fetch(`${dressed.provider.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer not-this' }, body });
      expect(res.status).toBe(200);
      expect(sent[0]!.url).toBe(`https://${host}/v1/projects/p/locations/${location}/endpoints/openapi/chat/completions`);
      expect(sent[0]!.headers.get('authorization')).toBe('Bearer ya29.test-token');
      expect(sent[0]!.body).toBe(body);
    }
  });

  test('one dressed provider per provider runtime, so what the delegate keeps per provider lasts', async () => {
    const p = provider({ project: 'p' });
    const [a, b] = await Promise.all([vertexAttempt(attemptOn(p).attempt, 'openapi', deps), vertexAttempt(attemptOn(p).attempt, 'openapi', deps)]);
    expect(a.provider).toBe(b.provider);
    expect(a.provider.baseUrl).toBe('https://aiplatform.googleapis.com/v1');
  });

  test('only chat completions: any other call the delegate builds is unsupported', async () => {
    const { attempt, sent } = attemptOn(provider({ project: 'p' }));
    const dressed = await vertexAttempt(attempt, 'openapi', deps);
    const e = await rejection(dressed.fetch(`${dressed.provider.baseUrl}/embeddings`, { method: 'POST', body: '{}' }));
    expect([e.code, sent.length]).toEqual(['GW_UNSUPPORTED', 0]);
  });
});

describe('credentials and errors', () => {
  test('an API key (express mode) cannot call an open model, with or without a project', async () => {
    for (const options of [{}, { project: 'p' }]) {
      const e = await rejection(vertexAttempt(attemptOn(provider(options, true)).attempt, 'openapi', deps));
      expect([e.code, e.status]).toEqual(['GW_UNSUPPORTED', 400]);
      expect(e.message).toContain('API key (express mode)');
    }
  });

  test('Google\'s 429 RESOURCE_EXHAUSTED is thrown retryable with its RetryInfo wait; an OpenAI-shaped error goes back to the delegate', async () => {
    const google = { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '9s' }] } };
    const quota = attemptOn(provider({ project: 'p' }), () => Response.json([google], { status: 429 }));
    const dressed = await vertexAttempt(quota.attempt, 'openapi', deps);
    const e = await rejection(dressed.fetch('https://x/v1/chat/completions', { method: 'POST', body: '{}' }));
    expect([e.code, e.status, e.retryable, e.retryAfterMs, e.upstream?.type]).toEqual(['GW_RATE_LIMITED', 429, true, 9000, 'RESOURCE_EXHAUSTED']);
    const openai = { error: { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null } };
    const own = attemptOn(provider({ project: 'p' }), () => Response.json(openai, { status: 400 }));
    const res = await (await vertexAttempt(own.attempt, 'openapi', deps)).fetch('https://x/v1/chat/completions', { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(openai);
  });
});

describe('token counts', () => {
  test('Vertex counts no tokens for open models: refused before the delegate (even one that could count) or any credential', async () => {
    let counted = 0;
    const counting = { id: 'openai', chat: {}, operations: { countTokens: async () => ({ inputTokens: ++counted }) } } as unknown as ProviderAdapter;
    const adapter = createVertexAdapter({ adapter: () => counting } as unknown as HostServices, deps);
    const { attempt, sent } = attemptOn(provider({ project: 'p' }));
    const e = await rejection(adapter.operations!.countTokens!({ model: OPEN } as unknown as CountTokensRequest, attempt, {} as CallContext));
    expect([e.code, e.status, counted, sent.length]).toEqual(['GW_UNSUPPORTED', 400, 0, 0]);
  });
});
