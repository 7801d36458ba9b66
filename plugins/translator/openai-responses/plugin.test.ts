import { afterAll, describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type {
  Capabilities,
  HookName,
  HttpInput,
  PluginContext,
  RouteHost,
  Translator,
} from '../../../core/plugin/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import plugin from './plugin.ts';

/** One data dir for every setup of this file (the plugin stores nothing there on setup), removed at the end. */
const dataDir = mkdtempSync(join(tmpdir(), 'sy-responses-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function setup(config: Record<string, unknown> = {}) {
  const provided: Array<[string, unknown]> = [];
  const hooks: Array<[HookName, unknown, string | undefined]> = [];
  const ctx = {
    config: v.parse(plugin.config, config),
    host: { dataDir, now: () => Date.now() },
    provide: (kind: keyof Capabilities, impl: unknown) => provided.push([kind, impl]),
    hook: (point: HookName, fn: unknown, opts?: { order?: string }) => hooks.push([point, fn, opts?.order]),
    on: () => {},
    error: (code: string, message: string, status?: number) => new GatewayError(code, message, { status }),
  } as unknown as PluginContext<v.InferOutput<typeof plugin.config>>;
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
  test('is an autoloaded translator for POST /v1/responses run by the pipeline, its code loaded by the first request', async () => {
    expect(plugin.kind).toBe('translator');
    expect(plugin.autoload).toBe(true);
    const { translator } = setup();
    expect(translator.dialect).toBe('openai-responses');
    const post = translator.routes.find((r) => r.method === 'POST' && r.path === '/v1/responses');
    expect(post?.handle).toBeUndefined();
    expect(translator.streamHeaders).toBeUndefined();
    await translator.decode({ ...input('POST', '/v1/responses'), body: { model: 'm', input: 'x' } });
    expect(translator.streamHeaders!({} as never, {} as never)['content-type']).toStartWith('text/event-stream');
  });

  test.each(['GET', 'DELETE'])('%s /v1/responses/:id of an unknown id answers 404; with the store off it says so', async (method) => {
    for (const store of [true, false]) {
      const { translator } = setup({ store });
      const route = translator.routes.find((r) => r.method === method && r.path === '/v1/responses/:id')!;
      const res = await route.handle!(input(method, '/v1/responses/resp_abc', { id: 'resp_abc' }), host());
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toContain("Response 'resp_abc' not found");
      expect(String(body.error.message).includes('turned off')).toBe(!store);
    }
  });

  test('wraps calls for compactions always (late: post), for stored responses only while the store is on', () => {
    expect(setup().hooks.map(([h, , order]) => `${h} ${order}`)).toEqual(['wrapCall post', 'wrapCall undefined']);
    expect(setup({ store: false }).hooks.map(([h, , order]) => `${h} ${order}`)).toEqual(['wrapCall post']);
    expect(() => setup({ store_ttl: 'soon' })).toThrow();
  });

  test('the compact route checks the client key first', async () => {
    const { translator } = setup();
    const route = translator.routes.find((r) => r.method === 'POST' && r.path === '/v1/responses/compact')!;
    const res = await route.handle!(input('POST', '/v1/responses/compact'), host(true));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  test('stored-response routes check the client key first', async () => {
    const { translator } = setup();
    const route = translator.routes.find((r) => r.method === 'GET' && r.path === '/v1/responses/:id')!;
    const res = await route.handle!(input('GET', '/v1/responses/x', { id: 'x' }), host(true));
    expect(res.status).toBe(401);
  });

  describe('native-only features are marked for the core to enforce', () => {
    const decode = async (body: unknown) => {
      const { translator } = setup();
      const i = { ...input('POST', '/v1/responses'), body };
      return (await translator.decode(i)) as { body: { nativeOnly?: { dialects: string[]; feature: string } } };
    };

    test('built-in tools need a Responses upstream', async () => {
      const req = await decode({ model: 'm', input: 'x', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] });
      expect(req.body.nativeOnly?.dialects).toEqual(['openai-responses']);
      expect(req.body.nativeOnly?.feature).toContain('the built-in tool "code_interpreter"');
    });

    test('native input items too; plain requests and custom tools are not marked', async () => {
      const req = await decode({ model: 'm', input: [{ type: 'file_search_call', id: 'fs_1', status: 'completed', queries: ['x'] }] });
      expect(req.body.nativeOnly?.feature).toContain('input items of type "file_search_call"');
      expect((await decode({ model: 'm', input: [{ role: 'user', content: 'x' }] })).body.nativeOnly).toBeUndefined();
      const custom = await decode({
        model: 'm', tools: [{ type: 'custom', name: 'apply_patch' }], tool_choice: { type: 'custom', name: 'apply_patch' },
        input: [{ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: '' }, { type: 'custom_tool_call_output', call_id: 'c', output: 'ok' }],
      });
      expect(custom.body.nativeOnly).toBeUndefined();
    });
  });
});
