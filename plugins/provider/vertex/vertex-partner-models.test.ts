import { describe, expect, test } from 'bun:test';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { CallContext, CountTokensRequest, HostServices, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { toVertexPartnerBody } from './rewrite-vertex-body.ts';
import { createVertexAdapter } from './vertex-adapter.ts';
import { vertexAttempt } from './vertex-attempt.ts';
import { withPartnerQuirks } from './vertex-partner-quirks.ts';
import { partnerModelOf, vertexDialectOf, vertexPublisherOf } from './vertex-publisher.ts';
import { partnerVertexCall, readVertexTarget, vertexModelUrl } from './vertex-url.ts';
import { recordingAttempt, rejection, testVertexDeps } from './vertex-test-kit.ts';

const MISTRAL = 'mistralai/mistral-medium-3';
const JAMBA = 'ai21/jamba-1.5-large@001';
const provider = (options: Record<string, unknown>, apiKey = false, quirks: Record<string, unknown> = {}) =>
  ({ name: 'v', type: 'vertex', options, headers: {}, models: [], quirks, ...(apiKey ? { auth: { header: 'x-goog-api-key' } } : {}) }) as unknown as ProviderRuntime;

const attemptOn = (p: ProviderRuntime, model: string, reply?: () => Response) => recordingAttempt(p, model, { reply });
const deps = testVertexDeps;

describe('publishers', () => {
  test('mistralai/… and ai21/… are partner models, on the translated lane for every client', () => {
    for (const m of [MISTRAL, 'mistralai/codestral-2501', 'mistralai/codestral@2405']) expect([vertexPublisherOf(m), vertexDialectOf(m)]).toEqual(['mistralai', undefined]);
    for (const m of [JAMBA, 'ai21/jamba-1.5-mini@001']) expect([vertexPublisherOf(m), vertexDialectOf(m)]).toEqual(['ai21', undefined]);
  });

  test('any other publisher, and a partner\'s model served as a service (-maas), is an open model; bare ids stay Claude\'s or Gemini\'s', () => {
    for (const m of ['meta/llama-4-maverick-17b-128e-instruct-maas', 'mistralai/mistral-small-2503-maas', 'mistral/mistral-medium-3']) {
      expect([vertexPublisherOf(m), vertexDialectOf(m)]).toEqual(['openapi', 'openai-chat']);
    }
    expect(vertexPublisherOf('mistral-medium-3')).toBe('google');
    expect(vertexPublisherOf('claude-opus-4-1@20250805')).toBe('anthropic');
  });

  test('a partner model\'s URL id keeps its @ version; its name drops it', () => {
    expect(partnerModelOf(JAMBA)).toEqual({ id: 'jamba-1.5-large@001', name: 'jamba-1.5-large' });
    expect(partnerModelOf('mistralai/codestral@2405')).toEqual({ id: 'codestral@2405', name: 'codestral' });
    expect(partnerModelOf(MISTRAL)).toEqual({ id: 'mistral-medium-3', name: 'mistral-medium-3' });
  });
});

describe('URLs', () => {
  test('rawPredict, or streamRawPredict for a streamed chat completion; any other call is unsupported', () => {
    expect(partnerVertexCall('https://x/v1/chat/completions', false)).toBe('rawPredict');
    expect(partnerVertexCall('https://x/v1/chat/completions', true)).toBe('streamRawPredict');
    for (const path of ['/v1/fim/completions', '/v1/completions', '/v1/embeddings']) {
      expect(() => partnerVertexCall(`https://x${path}`, false)).toThrow(/chat completions only/);
    }
  });

  test('the model URL under the project and location: regional, multi-region and global hosts; the @ version kept', () => {
    const url = (location: string, publisher: 'mistralai' | 'ai21', id: string, method: string) =>
      vertexModelUrl({ ...readVertexTarget(provider({ location })), project: 'my-proj' }, publisher, id, method);
    expect(url('us-central1', 'mistralai', 'mistral-medium-3', 'rawPredict'))
      .toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/publishers/mistralai/models/mistral-medium-3:rawPredict');
    expect(url('global', 'ai21', 'jamba-1.5-large@001', 'streamRawPredict'))
      .toBe('https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/ai21/models/jamba-1.5-large@001:streamRawPredict');
    expect(url('eu', 'mistralai', 'codestral-2501', 'rawPredict'))
      .toBe('https://aiplatform.eu.rep.googleapis.com/v1/projects/my-proj/locations/eu/publishers/mistralai/models/codestral-2501:rawPredict');
  });
});

describe('bodies', () => {
  test('Mistral: model is the name without its version, stream stays; AI21: no model, no stream', () => {
    const body = { model: 'mistralai/codestral@2405', stream: true, messages: [], max_tokens: 5 };
    expect(toVertexPartnerBody('mistralai', body, 'codestral')).toEqual({ model: 'codestral', stream: true, messages: [], max_tokens: 5 });
    expect(toVertexPartnerBody('ai21', { ...body, model: JAMBA }, 'jamba-1.5-large')).toEqual({ messages: [], max_tokens: 5 });
  });
});

describe('quirks', () => {
  test('Mistral\'s and AI21\'s wire quirks apply to their models only; the entry\'s own per-model quirks win', () => {
    const q = withPartnerQuirks({ drop_params: ['x'], models: { 'mistralai/*': { no_stream_usage: false }, 'mistralai/codestral*': { max_temperature: 0.7 } } });
    expect(modelQuirks({ quirks: q }, MISTRAL)).toMatchObject({ no_stream_usage: false, tool_call_ids: 'alnum9', assistant_after_tool: true, max_tokens_field: 'max_tokens' });
    expect(modelQuirks({ quirks: q }, 'mistralai/codestral-2501')).toMatchObject({ max_temperature: 0.7, tool_call_ids: 'alnum9' });
    expect(modelQuirks({ quirks: q }, JAMBA)).toMatchObject({ no_stream_usage: true, max_tokens_field: 'max_tokens' });
    expect(modelQuirks({ quirks: q }, JAMBA)).not.toHaveProperty('tool_call_ids');
    expect(modelQuirks({ quirks: q }, 'meta/llama-4-maverick-17b-128e-instruct-maas')).toEqual({ drop_params: ['x'] });
  });
});

describe('the dressed attempt', () => {
  test('Mistral: the publisher\'s body to rawPredict or streamRawPredict by its stream flag, with the token', async () => {
    for (const [stream, method] of [[false, 'rawPredict'], [true, 'streamRawPredict']] as const) {
      const { attempt, sent } = attemptOn(provider({ project: 'p', location: 'europe-west4' }), 'mistralai/codestral@2405');
      const dressed = await vertexAttempt(attempt, 'mistralai', deps);
      const body = JSON.stringify({ model: 'mistralai/codestral@2405', stream, messages: [{ role: 'user', content: 'hi' }] });
      expect((await dressed.fetch(`${dressed.provider.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer not-this' }, body })).status).toBe(200);
      expect(sent[0]!.url).toBe(`https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/publishers/mistralai/models/codestral@2405:${method}`);
      expect(sent[0]!.headers.get('authorization')).toBe('Bearer ya29.test-token');
      expect(JSON.parse(sent[0]!.body as string)).toEqual({ model: 'codestral', stream, messages: [{ role: 'user', content: 'hi' }] });
    }
  });

  test('AI21 on the global endpoint: no model and no stream in the body; the dressed provider carries the partner quirks', async () => {
    const { attempt, sent } = attemptOn(provider({ project: 'p' }), JAMBA);
    const dressed = await vertexAttempt(attempt, 'ai21', deps);
    await dressed.fetch(`${dressed.provider.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: JAMBA, stream: true, messages: [] }) });
    expect(sent[0]!.url).toBe('https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/ai21/models/jamba-1.5-large@001:streamRawPredict');
    expect(JSON.parse(sent[0]!.body as string)).toEqual({ messages: [] });
    expect(modelQuirks(dressed.provider, JAMBA)).toMatchObject({ no_stream_usage: true });
  });

  test('an API key (express mode) cannot call a partner model; without a project the entry is misconfigured', async () => {
    for (const model of [MISTRAL, JAMBA]) {
      const e = await rejection(vertexAttempt(attemptOn(provider({ project: 'p' }, true), model).attempt, vertexPublisherOf(model), deps));
      expect([e.code, e.status]).toEqual(['GW_UNSUPPORTED', 400]);
      expect(e.message).toContain('API key (express mode)');
    }
    const e = await rejection(vertexAttempt(attemptOn(provider({}), MISTRAL).attempt, 'mistralai', deps));
    expect([e.code, e.status]).toEqual(['GW_CONFIG_INVALID', 500]);
  });

  test('Google\'s 429 is thrown retryable; Mistral\'s own error goes back to the delegate as it came', async () => {
    const google = { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '4s' }] } };
    const quota = attemptOn(provider({ project: 'p' }), MISTRAL, () => Response.json(google, { status: 429 }));
    const e = await rejection((await vertexAttempt(quota.attempt, 'mistralai', deps)).fetch('https://x/v1/chat/completions', { method: 'POST', body: '{}' }));
    expect([e.code, e.retryable, e.retryAfterMs]).toEqual(['GW_RATE_LIMITED', true, 4000]);
    const mistral = { object: 'error', message: 'Invalid model: x', type: 'invalid_model', param: null, code: '1500' };
    const own = attemptOn(provider({ project: 'p' }), MISTRAL, () => Response.json(mistral, { status: 400 }));
    const res = await (await vertexAttempt(own.attempt, 'mistralai', deps)).fetch('https://x/v1/chat/completions', { method: 'POST', body: '{}' });
    expect([res.status, await res.json()]).toEqual([400, mistral]);
  });
});

describe('adapter', () => {
  test('partner models go to the openai adapter; token counts are refused before any credential', async () => {
    let counted = 0;
    const delegates: string[] = [];
    const openai = { id: 'openai', chat: { generate: async () => ({ ok: true }) }, operations: { countTokens: async () => ({ inputTokens: ++counted }) } } as unknown as ProviderAdapter;
    const adapter = createVertexAdapter({ adapter: (id: string) => (delegates.push(id), openai) } as unknown as HostServices, deps);
    for (const model of [MISTRAL, JAMBA]) {
      const { attempt, sent } = attemptOn(provider({ project: 'p' }), model);
      const e = await rejection(adapter.operations!.countTokens!({ model } as unknown as CountTokensRequest, attempt, {} as CallContext));
      expect([e.code, e.status, counted, sent.length]).toEqual(['GW_UNSUPPORTED', 400, 0, 0]);
      await adapter.chat!.generate({ model, messages: [], stream: false }, attempt, {} as CallContext);
    }
    expect(delegates).toEqual(['openai', 'openai']);
  });
});
