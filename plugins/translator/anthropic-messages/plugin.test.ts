import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type {
  CallContext, Capabilities, GatewayRequest, HookPoints, HttpInput, PluginContext, RouteHost, Translator,
} from '../../../core/plugin/types.ts';
import { estimateAnthropicInputTokens } from './count-anthropic-tokens.ts';
import { decodeAnthropicMessagesRequest } from './decode-anthropic-messages-request.ts';
import plugin from './plugin.ts';

/** Runs setup against a recording context. */
async function setUp() {
  const provided: Array<[keyof Capabilities, unknown]> = [];
  const hooks: Partial<{ [P in keyof HookPoints]: HookPoints[P] }> = {};
  const ctx = {
    name: plugin.name,
    config: {},
    provide: (kind: keyof Capabilities, impl: unknown) => provided.push([kind, impl]),
    hook: (point: keyof HookPoints, fn: never) => { hooks[point] = fn; },
    error: (code: string, message: string, status?: number) => new GatewayError(code, message, { status }),
    host: { config: () => ({ server: { body_limit_mb: 0.001 } }) },
  } as unknown as PluginContext;
  await plugin.setup(ctx);
  return { translator: provided.find(([k]) => k === 'translator')?.[1] as Translator, hooks };
}

function input(body: unknown, headers: Record<string, string> = {}): HttpInput {
  const url = new URL('http://localhost/v1/messages/count_tokens');
  return { request: new Request(url), url, method: 'POST', params: {}, headers: new Headers(headers), body };
}

/** An input whose body is still unread, as the dispatcher hands it to custom routes. */
function unread(json: string): HttpInput {
  const url = new URL('http://localhost/v1/messages/count_tokens');
  const request = new Request(url, { method: 'POST', body: json, headers: { 'content-type': 'application/json' } });
  return { request, url, method: 'POST', params: {}, headers: request.headers };
}

function host(allowed: boolean): RouteHost {
  return {
    authenticate: async () => {
      if (!allowed) throw new GatewayError('GW_UNAUTHORIZED', 'Invalid API key.');
      return undefined;
    },
  } as unknown as RouteHost;
}

const call = (): CallContext => ({ id: 'req_1', state: new Map() }) as unknown as CallContext;

describe('anthropic-messages plugin', () => {
  test('provides the translator with its routes', async () => {
    const { translator } = await setUp();
    expect(plugin.kind).toBe('translator');
    expect(plugin.autoload).toBe(true);
    expect(translator.dialect).toBe('anthropic-messages');
    const messages = translator.routes.find((r) => r.path === '/v1/messages');
    expect(messages?.method).toBe('POST');
    expect(messages?.handle).toBeUndefined();
    expect(typeof translator.routes.find((r) => r.path === '/v1/messages/count_tokens')?.handle).toBe('function');
    expect(translator.streamHeaders?.({} as GatewayRequest, call())['content-type']).toContain('text/event-stream');
  });

  test('count_tokens authenticates, validates and estimates', async () => {
    const { translator } = await setUp();
    const handle = translator.routes.find((r) => r.handle)?.handle as NonNullable<Translator['routes'][0]['handle']>;
    const body = { model: 'claude-sonnet-4-5', system: 'x'.repeat(40), messages: [{ role: 'user', content: 'y'.repeat(400) }] };
    const ok = await handle(input(body), host(true));
    expect(ok.status).toBe(200);
    const { input_tokens } = await ok.json();
    expect(input_tokens).toBe(estimateAnthropicInputTokens(body as never));
    expect(input_tokens).toBeGreaterThan(110);
    expect(input_tokens).toBeLessThan(130);

    const denied = await handle(input(body), host(false));
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.type).toBe('authentication_error');

    const bad = await handle(input({ model: 'm' }), host(true));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toEqual({ type: 'invalid_request_error', message: 'messages: Field required' });
  });

  test('count_tokens reads an unread body within the configured limit (1 KB here)', async () => {
    const { translator } = await setUp();
    const handle = translator.routes.find((r) => r.handle)?.handle as NonNullable<Translator['routes'][0]['handle']>;
    const small = await handle(unread(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] })), host(true));
    expect(small.status).toBe(200);
    expect((await small.json()).input_tokens).toBeGreaterThan(0);
    const big = await handle(unread(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] })), host(true));
    expect(big.status).toBe(413);
    expect((await big.json()).error.type).toBe('request_too_large');
    const broken = await handle(unread('{"model":'), host(true));
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.type).toBe('invalid_request_error');
  });

  test('images count a flat amount, not their base64 length', () => {
    const small = estimateAnthropicInputTokens({ messages: [{ role: 'user', content: 'hi' }] } as never);
    const withImage = estimateAnthropicInputTokens({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(400_000) } }] }],
    } as never);
    expect(withImage - small).toBeGreaterThanOrEqual(1600);
    expect(withImage).toBeLessThan(1700);
  });

  test('server tools mark the request as needing an Anthropic upstream; plain requests are not marked', () => {
    const req = decodeAnthropicMessagesRequest({
      model: 'any', max_tokens: 10, messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
    expect(req.body.nativeOnly?.dialects).toEqual(['anthropic-messages']);
    expect(req.body.nativeOnly?.feature).toContain('web_search_20250305');
    const plain = decodeAnthropicMessagesRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(plain.body.nativeOnly).toBeUndefined();
  });
});
