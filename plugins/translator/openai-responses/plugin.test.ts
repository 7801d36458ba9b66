import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type {
  Attempt,
  CallContext,
  CallResult,
  Capabilities,
  HookName,
  HttpInput,
  PluginContext,
  RouteHost,
  Translator,
} from '../../../core/plugin/types.ts';
import plugin from './plugin.ts';

function setup() {
  const provided: Array<[string, unknown]> = [];
  const hooks: Array<[HookName, unknown]> = [];
  const ctx = {
    provide: (kind: keyof Capabilities, impl: unknown) => provided.push([kind, impl]),
    hook: (point: HookName, fn: unknown) => hooks.push([point, fn]),
    error: (code: string, message: string, status?: number) => new GatewayError(code, message, { status }),
  } as unknown as PluginContext;
  plugin.setup(ctx);
  expect(provided.map(([k]) => k)).toEqual(['translator']);
  return { translator: provided[0][1] as Translator, hooks };
}

function input(method: string, path: string, params: Record<string, string> = {}): HttpInput {
  const url = new URL(`http://localhost${path}`);
  const request = new Request(url, { method });
  return { request, url, method, params, headers: request.headers };
}

function host(deny = false): RouteHost {
  return {
    providers: new Map(), aliases: {}, combos: {},
    async authenticate() {
      if (deny) throw new GatewayError('GW_UNAUTHORIZED', 'Invalid API key.');
      return undefined;
    },
    async listModels() {
      return [];
    },
    run: async () => new Response(),
  };
}

describe('openai-responses plugin', () => {
  test('is an autoloaded translator for POST /v1/responses run by the pipeline', () => {
    expect(plugin.kind).toBe('translator');
    expect(plugin.autoload).toBe(true);
    const { translator } = setup();
    expect(translator.dialect).toBe('openai-responses');
    const post = translator.routes.find((r) => r.method === 'POST' && r.path === '/v1/responses');
    expect(post?.handle).toBeUndefined();
    expect(translator.streamHeaders!({} as never, {} as never)['content-type']).toStartWith('text/event-stream');
  });

  test.each(['GET', 'DELETE'])('%s /v1/responses/:id answers 404 with the stateless hint', async (method) => {
    const { translator } = setup();
    const route = translator.routes.find((r) => r.method === method && r.path === '/v1/responses/:id')!;
    const res = await route.handle!(input(method, '/v1/responses/resp_abc', { id: 'resp_abc' }), host());
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain("Response 'resp_abc' not found");
    expect(body.error.message).toContain('send the full input with store:false');
  });

  test('stored-response routes check the client key first', async () => {
    const { translator } = setup();
    const route = translator.routes.find((r) => r.method === 'GET' && r.path === '/v1/responses/:id')!;
    const res = await route.handle!(input('GET', '/v1/responses/x', { id: 'x' }), host(true));
    expect(res.status).toBe(401);
  });

  describe('native-only guard (wrapCall)', () => {
    const guard = () => setup().hooks.find(([p]) => p === 'wrapCall')![1] as (
      next: () => Promise<CallResult>, attempt: Attempt, call: CallContext) => Promise<CallResult>;
    const attempt = (type: string) => ({ provider: { name: 'p1', type } }) as unknown as Attempt;
    const call = (body: unknown, dialect = 'openai-responses') => ({ dialect, http: { body } }) as unknown as CallContext;
    const ok: CallResult = { type: 'result', result: {} };

    test('refuses built-in tools for a provider that does not speak Responses', async () => {
      const body = { model: 'm', input: 'x', tools: [{ type: 'web_search' }] };
      const err = await guard()(async () => ok, attempt('anthropic'), call(body)).catch((e) => e);
      expect(err).toBeInstanceOf(GatewayError);
      expect(err.status).toBe(400);
      expect(err.message).toContain('the built-in tool "web_search"');
    });

    test('lets them through to a Responses upstream, and lets plain requests through anywhere', async () => {
      const g = guard();
      expect(await g(async () => ok, attempt('openai-responses'), call({ tools: [{ type: 'web_search' }] }))).toBe(ok);
      expect(await g(async () => ok, attempt('anthropic'), call({ input: [{ role: 'user', content: 'x' }] }))).toBe(ok);
      expect(await g(async () => ok, attempt('anthropic'), call({ tools: [{ type: 'web_search' }] }, 'openai-chat'))).toBe(ok);
    });

    test('refuses native input items too', async () => {
      const body = { input: [{ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: '' }] };
      const err = await guard()(async () => ok, attempt('openai'), call(body)).catch((e) => e);
      expect(err.message).toContain('input items of type "custom_tool_call"');
    });
  });
});
