import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { ask, mockProvider, startRouting, type Routing } from '../routing/routing-kit.ts';

/**
 * What a client sees of routing before any upstream call: the model lists (every dialect, a
 * scoped key) against what actually routes, and the 404 for a name nothing routes, in each
 * client dialect, streamed or not.
 */
let r: Routing;
beforeAll(async () => {
  r = await startRouting(['a', 'b'], `
providers:
${mockProvider('a', undefined, 'models: [m1, "meta/llama-3"]')}
${mockProvider('b', undefined, 'models: [m2]')}
  off: { type: openai, base_url: "http://127.0.0.1:9/v1", keys: ["sk-off-00000001"], enabled: false, models: [z] }
aliases:
  fast: a/m1
  dead: off/z
  "claude-*": a/m1
combos:
  duo: { strategy: round-robin, models: [a/m1, b/m2] }
  all-off: { models: [off/z] }
`);
});
afterAll(() => r.stop());

const openaiIds = async (key?: string) => {
  const res = await r.t.fetch('/v1/models', key ? { headers: { authorization: `Bearer ${key}` } } : {});
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort();
};

describe('model lists', () => {
  test('/v1/models lists provider models, aliases and combos, not glob aliases nor a disabled provider', async () => {
    const ids = await openaiIds();
    for (const id of ['a/m1', 'a/meta/llama-3', 'b/m2', 'fast', 'duo']) expect(ids).toContain(id);
    expect(ids.filter((id) => id.includes('*') || id.startsWith('off/'))).toEqual([]);
  });

  // `dead` and `all-off` lead only to a disabled provider: listed, they answered 404.
  test('every name /v1/models lists routes', async () => {
    const unroutable: string[] = [];
    for (const id of await openaiIds()) if ((await ask(r.t, id)).status !== 200) unroutable.push(id);
    expect(unroutable).toEqual([]);
  });

  test('a scoped key lists only what it may use, in the OpenAI, Anthropic and Gemini shapes, and may use exactly that', async () => {
    const { secret } = r.t.gw.keys.createKey({ name: 'scoped', scopes: ['b/*', 'fast', '!a/*'] });
    expect(await openaiIds(secret)).toEqual(['b/m2', 'fast']);
    const anth = await r.t.fetch('/v1/models', { headers: { 'x-api-key': secret, 'anthropic-version': '2023-06-01', authorization: '' } });
    expect(((await anth.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort()).toEqual(['b/m2', 'fast']);
    const gem = await r.t.fetch('/v1beta/models', { headers: { 'x-goog-api-key': secret, authorization: '' } });
    expect(((await gem.json()) as { models: Array<{ name: string }> }).models.map((m) => m.name).sort()).toEqual(['models/b/m2', 'models/fast']);
    expect((await r.t.fetch('/v1/models/a/m1', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(404);
    const chat = (model: string) => r.t.fetch('/v1/chat/completions', {
      method: 'POST', headers: { authorization: `Bearer ${secret}` }, json: { model, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect((await chat('b/m2')).status).toBe(200);
    expect((await chat('fast')).status).toBe(200);
    expect((await chat('a/m1')).status).toBe(403);
    expect((await chat('duo')).status).toBe(403);
  });
});

describe('a name nothing routes: 404 in the client dialect', () => {
  const chatBody = (model: string, stream: boolean) => ({ model, stream, messages: [{ role: 'user', content: 'hi' }] });
  const cases: Array<[string, (model: string, stream: boolean) => Promise<Response>, (body: any) => unknown]> = [
    ['openai chat', (m, s) => r.t.fetch('/v1/chat/completions', { method: 'POST', json: chatBody(m, s) }), (b) => b.error.code],
    ['anthropic messages', (m, s) => r.t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, json: { ...chatBody(m, s), max_tokens: 16 },
    }), (b) => `${b.type}:${b.error.type}`],
    ['openai responses', (m, s) => r.t.fetch('/v1/responses', { method: 'POST', json: { model: m, stream: s, input: 'hi' } }), (b) => b.error.code],
    ['gemini', (m, s) => r.t.fetch(`/v1beta/models/${m}:${s ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    }), (b) => b.error.status],
  ];
  const expected: Record<string, unknown> = {
    'openai chat': 'model_not_found', 'anthropic messages': 'error:not_found_error', 'openai responses': 'model_not_found', gemini: 'NOT_FOUND',
  };

  for (const [dialect, send, code] of cases) {
    test(`${dialect}: unknown names and a combo or alias whose every target is disabled`, async () => {
      const upstream = () => r.mocks.a.requests.length + r.mocks.b.requests.length;
      const before = upstream();
      for (const model of ['no-such-model', 'nobody/m1', 'all-off', 'dead', 'off/z']) {
        for (const stream of [false, true]) {
          const res = await send(model, stream);
          const body = await res.json();
          expect([model, stream, res.status, code(body)]).toEqual([model, stream, 404, expected[dialect]]);
          expect(JSON.stringify(body)).toContain(model);
          // A configured name says why it does not route.
          expect(JSON.stringify(body).includes('none of its targets is served now')).toBe(model === 'all-off' || model === 'dead');
          // A provider prefix that names a disabled provider, or none (a typo), says so.
          expect(JSON.stringify(body).includes('the provider \\"off\\" is disabled')).toBe(model === 'off/z');
          expect(JSON.stringify(body).includes('no provider is named \\"nobody\\"')).toBe(model === 'nobody/m1');
        }
      }
      expect(upstream()).toBe(before);
    });
  }
});

describe('a gateway with no provider yet (a new user\'s first request)', () => {
  test('the 404 says so and where to add one, without naming the server\'s files', async () => {
    const t = await startTestGateway('logging: { level: warn }\n');
    try {
      const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] } });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, body.error.code]).toEqual([404, 'model_not_found']);
      expect(body.error.message).toContain('no provider is serving. Add one under providers:');
      expect(body.error.message).not.toContain(t.dataDir);
    } finally {
      await t.stop();
    }
  });
});
