import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, GatewayRequest, HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { createGeminiTranslator } from './gemini-translator.ts';
import plugin from './plugin.ts';

const translator = createGeminiTranslator({ bodyLimitBytes: () => 1000 });

function input(method: string, path: string, body?: string, headers: Record<string, string> = {}): HttpInput {
  const url = new URL(`http://localhost${path}`);
  const request = new Request(url, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  const tail = url.pathname.replace(/^\/v1(beta|alpha)?\/models\/?/, '');
  return { request, url, method, params: tail ? { modelAction: decodeURIComponent(tail) } : {}, headers: request.headers };
}

function fakeHost(calls: string[], runs: GatewayRequest[] = []): RouteHost {
  return {
    providers: new Map(),
    aliases: {},
    combos: {},
    async authenticate(i) {
      calls.push('auth');
      if (i.headers.get('x-goog-api-key') !== 'good' && i.url.searchParams.get('key') !== 'good') throw new GatewayError('GW_UNAUTHORIZED', 'Invalid API key.');
      return undefined;
    },
    async listModels() {
      return [];
    },
    async run(_t, i, req) {
      calls.push('run');
      runs.push(req);
      expect(i.body).toBeDefined();
      return new Response('ran');
    },
  };
}

const post = (path: string) => translator.routes.find((r) => r.method === 'POST' && path.startsWith(r.path.replace(':modelAction', '')))!;

describe('gemini translator routes', () => {
  test('serves generation under v1beta, v1 and v1alpha, and model listing under v1beta and, for Gemini clients, v1', () => {
    expect(translator.routes.map((r) => `${r.method} ${r.path}${r.header ? ` [${r.header}]` : ''}`)).toEqual([
      'POST /v1beta/models/:modelAction', 'POST /v1/models/:modelAction', 'POST /v1alpha/models/:modelAction',
      'GET /v1beta/models', 'GET /v1beta/models/:modelAction',
      'GET /v1/models [x-goog-api-key]', 'GET /v1/models/:model [x-goog-api-key]',
    ]);
    expect(plugin).toMatchObject({ name: 'gemini', kind: 'translator', autoload: true });
  });

  test('generateContent: authenticated first, then the body is read, decoded and run', async () => {
    const calls: string[] = [];
    const runs: GatewayRequest[] = [];
    const i = input('POST', '/v1beta/models/groq%2Fllama-3.3:streamGenerateContent?alt=sse&key=good', JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }));
    const res = await post(i.url.pathname).handle!(i, fakeHost(calls, runs));
    expect(await res.text()).toBe('ran');
    expect(calls).toEqual(['auth', 'run']);
    expect(runs[0]).toMatchObject({ operation: 'chat', model: 'groq/llama-3.3', stream: true });
  });

  test('an anonymous caller is refused before its body is parsed', async () => {
    const calls: string[] = [];
    const res = await post('/v1beta/models/').handle!(input('POST', '/v1beta/models/m:generateContent', '{not json'), fakeHost(calls));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: 'Invalid API key.', status: 'UNAUTHENTICATED' } });
  });

  test('bad JSON, a body over the limit, an unknown method: Gemini error envelopes', async () => {
    const h = { 'x-goog-api-key': 'good' };
    const bad = await post('/v1/models/').handle!(input('POST', '/v1/models/m:generateContent', '{"contents":', h), fakeHost([]));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
    const big = await post('/v1/models/').handle!(input('POST', '/v1/models/m:generateContent', JSON.stringify({ contents: [{ parts: [{ text: 'x'.repeat(2000) }] }] }), h), fakeHost([]));
    expect(big.status).toBe(413);
    const unknown = await post('/v1/models/').handle!(input('POST', '/v1/models/m:predict', '{}', h), fakeHost([]));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });

  test('decode reads model and method from the path; stream headers follow alt=sse', () => {
    const i = { ...input('POST', '/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent?alt=sse'), body: { contents: [{ role: 'user', parts: [{ text: 'x' }] }] } };
    const req = translator.decode(i) as GatewayRequest;
    expect(req).toMatchObject({ model: 'gem/gemini-2.5-flash', stream: true });
    const call = (path: string) => ({ http: input('POST', path) }) as unknown as CallContext;
    expect(translator.streamHeaders!(req, call('/v1beta/models/m:streamGenerateContent?alt=sse'))['content-type']).toBe('text/event-stream');
    expect(translator.streamHeaders!(req, call('/v1beta/models/m:streamGenerateContent'))['content-type']).toContain('application/json');
  });
});
