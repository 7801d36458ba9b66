import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Capabilities, HttpInput, PluginContext, RouteHost, Translator } from '../../../core/plugin/types.ts';
import plugin from './plugin.ts';

function setup(): Translator {
  const provided: Array<[string, unknown]> = [];
  const ctx = { provide: (kind: keyof Capabilities, impl: unknown) => provided.push([kind, impl]) } as unknown as PluginContext;
  plugin.setup(ctx);
  // Chat and the legacy completions dialect, both translators.
  expect(provided.map(([k, t]) => `${k}:${(t as Translator).dialect}`)).toEqual(['translator:openai-chat', 'translator:openai-completions']);
  return provided[0][1] as Translator;
}

function input(path: string, params: Record<string, string> = {}, body?: unknown): HttpInput {
  const url = new URL(`http://localhost${path}`);
  const request = new Request(url, { headers: { authorization: 'Bearer k' } });
  return { request, url, method: 'GET', params, headers: request.headers, body };
}

function host(opts: { deny?: boolean } = {}): RouteHost {
  return {
    providers: new Map(),
    aliases: {},
    combos: {},
    async authenticate() {
      if (opts.deny) throw new GatewayError('GW_UNAUTHORIZED', 'Invalid API key.');
      return undefined;
    },
    async listModels() {
      return [{ id: 'openai/gpt-4o', ownedBy: 'openai' }, { id: 'fast', ownedBy: 'switchyard-alias' }];
    },
    run: async () => new Response(),
  };
}

describe('openai-chat plugin', () => {
  test('declares itself as an autoloaded translator with the chat and models routes', () => {
    expect(plugin.kind).toBe('translator');
    expect(plugin.autoload).toBe(true);
    const t = setup();
    expect(t.dialect).toBe('openai-chat');
    const chat = t.routes.find((r) => r.path === '/v1/chat/completions');
    expect(chat?.method).toBe('POST');
    expect(chat?.handle).toBeUndefined();
    expect(t.routes.find((r) => r.path === '/v1/models')?.handle).toBeFunction();
  });

  test('GET /v1/models answers in the OpenAI list shape of models.json', async () => {
    const t = setup();
    const route = t.routes.find((r) => r.path === '/v1/models');
    const res = await route!.handle!(input('/v1/models'), host());
    expect(res.status).toBe(200);
    const body = await res.json();
    // models.json is a doc sample with a trailing comma: compare against its first entry's keys.
    const sample = readFileSync(`${import.meta.dir}/../../../../shared/fixtures/openai/models.json`, 'utf8');
    const firstEntry = JSON.parse(sample.slice(sample.indexOf('{', sample.indexOf('['))).split('}')[0] + '}');
    expect(body.object).toBe('list');
    expect(body.data.length).toBe(2);
    for (const key of ['id', 'object', 'created', 'owned_by']) expect(key in firstEntry && key in body.data[0]).toBe(true);
    expect(body.data[0]).toMatchObject({ id: 'openai/gpt-4o', object: 'model', owned_by: 'openai' });
    expect(typeof body.data[0].created).toBe('number');
  });

  test('GET /v1/models without a valid key → 401 OpenAI error', async () => {
    const route = setup().routes.find((r) => r.path === '/v1/models');
    const res = await route!.handle!(input('/v1/models'), host({ deny: true }));
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  test('GET /v1/models/{id} finds ids with a slash, 404 otherwise', async () => {
    const route = setup().routes.find((r) => r.path === '/v1/models/:model');
    const ok = await route!.handle!(input('/v1/models/openai/gpt-4o', { model: 'openai/gpt-4o' }), host());
    expect((await ok.json()).id).toBe('openai/gpt-4o');
    const missing = await route!.handle!(input('/v1/models/nope', { model: 'nope' }), host());
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('model_not_found');
  });

  test('decode / encodeResult / encodeError / streamHeaders', async () => {
    const t = setup();
    const req = await t.decode(input('/v1/chat/completions', {}, { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(req.model).toBe('openai/gpt-4o');
    expect(t.streamHeaders?.(req, {} as never)['content-type']).toStartWith('text/event-stream');
    const res = t.encodeResult({ id: 'c', model: 'gpt-4o', content: [{ type: 'text', text: 'yo' }], finishReason: 'stop' }, req, {} as never);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()).choices[0].message.content).toBe('yo');
    expect(() => t.decode(input('/v1/chat/completions', {}, { model: 'x' }))).toThrow(/messages/);
    expect(t.encodeError(new GatewayError('GW_MODEL_NOT_FOUND', 'no')).status).toBe(404);
    expect(t.encodeStreamError?.(new GatewayError('GW_INTERNAL', 'x'))).toStartWith('data: {"error"');
  });

  test('encodeStream uses the request id and model until a start part arrives', async () => {
    const t = setup();
    const req = await t.decode(input('/v1/chat/completions', {}, { model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    const parts = new ReadableStream({
      start(c) {
        c.enqueue({ type: 'text-delta', text: 'a' });
        c.enqueue({ type: 'finish', reason: 'stop' });
        c.close();
      },
    });
    const text = await new Response(t.encodeStream(parts, req, { id: 'req_abc' } as never)).text();
    const first = JSON.parse(text.split('\n\n')[0].slice(6));
    expect(first.id).toBe('chatcmpl-abc');
    expect(first.model).toBe('fast');
  });
});
