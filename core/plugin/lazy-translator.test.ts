import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { lazyTranslator, type TranslatorShell } from './lazy-translator.ts';
import { findBuiltinPlugins, loadPluginModule } from './load-plugin-module.ts';
import type { Capabilities, HttpInput, PluginContext, RouteHost, Translator } from './types.ts';

const request = new Request('http://localhost/v1/x', { method: 'POST' });
const input: HttpInput = { request, url: new URL(request.url), method: 'POST', params: {}, headers: request.headers, body: { a: 1 } };
const host = {} as RouteHost;
const encodeError = (err: GatewayError) => Response.json({ shell: err.message }, { status: err.status });

function realTranslator(): Translator {
  return {
    dialect: 'openai-chat',
    routes: [
      { method: 'POST', path: '/v1/x', summary: 'run' },
      { method: 'GET', path: '/v1/x/:id', summary: 'custom', handle: (i) => new Response(`got ${i.params.id}`) },
    ],
    decode: (i) => ({ operation: 'chat', model: 'm', stream: false, body: i.body as never }),
    encodeResult: (result) => Response.json({ result }),
    encodeStream: () => new ReadableStream(),
    encodeError: () => new Response('real', { status: 500 }),
    streamHeaders: () => ({ 'content-type': 'text/event-stream' }),
  };
}

const shell: TranslatorShell = {
  dialect: 'openai-chat',
  routes: [
    { method: 'POST', path: '/v1/x', summary: 'run' },
    { method: 'GET', path: '/v1/x/:id', summary: 'custom', custom: true },
  ],
  encodeError,
};

describe('lazyTranslator', () => {
  test('loads the code on the first decode, once, and then delegates to it', async () => {
    let loads = 0;
    const t = lazyTranslator(shell, async () => (loads++, realTranslator()));
    expect(loads).toBe(0);
    expect(t.dialect).toBe('openai-chat');
    expect(t.routes.map((r) => [r.method, r.path, typeof r.handle])).toEqual([['POST', '/v1/x', 'undefined'], ['GET', '/v1/x/:id', 'function']]);
    // Before any request: the shell's error encoder answers, optional members are absent.
    expect(await t.encodeError(new GatewayError('GW_UNAUTHORIZED', 'no key')).json()).toEqual({ shell: 'no key' });
    expect(t.streamHeaders).toBeUndefined();
    expect(() => t.encodeResult({}, {} as never, {} as never)).toThrow('before its code loaded');

    const [a, b] = await Promise.all([t.decode(input), t.decode(input)]);
    expect(a).toEqual({ operation: 'chat', model: 'm', stream: false, body: { a: 1 } as never });
    expect(b).toEqual(a);
    expect(loads).toBe(1);
    expect(t.decode(input)).not.toBeInstanceOf(Promise); // loaded: no promise hop any more
    expect(await t.encodeResult('ok', {} as never, {} as never).json()).toEqual({ result: 'ok' });
    expect(t.streamHeaders!({} as never, {} as never)).toEqual({ 'content-type': 'text/event-stream' });
    expect(t.createStreamEncoder).toBeUndefined();
  });

  test('a custom route loads the code and runs its handler', async () => {
    const t = lazyTranslator(shell, async () => realTranslator());
    const route = t.routes.find((r) => r.handle)!;
    const res = await route.handle!({ ...input, params: { id: '7' } }, host);
    expect(await res.text()).toBe('got 7');
  });

  test('code that does not match its shell fails the request that loaded it, naming the difference', async () => {
    const t = lazyTranslator({ ...shell, routes: [shell.routes[0]!] }, async () => realTranslator());
    await expect(Promise.resolve(t.decode(input))).rejects.toThrow('does not match its declared shell');
  });
});

describe('built-in lazy translators', () => {
  test('every translator and endpoint plugin declares the routes its code serves', async () => {
    let checked = 0;
    for (const source of findBuiltinPlugins()) {
      const { plugin } = await loadPluginModule(source, '');
      if (plugin.kind !== 'translator' && plugin.kind !== 'endpoint') continue;
      const provided: Translator[] = [];
      const ctx = {
        config: plugin.config ? (await import('valibot')).parse(plugin.config, {}) : undefined,
        host: { config: () => ({ server: { body_limit_mb: 10 }, request: { deadline_ms: 600_000 } }), dataDir: '/tmp' },
        provide: (kind: keyof Capabilities, impl: Translator) => provided.push(impl),
        hook: () => {}, on: () => {}, onDispose: () => {}, route: () => {},
        log: { debug() {}, info() {}, warn() {}, error() {} },
      } as unknown as PluginContext;
      await plugin.setup(ctx);
      for (const t of provided) {
        // A lazy translator loads (and checks its shape) on its first custom route or decode;
        // what the request itself answers does not matter here, only that nothing else throws.
        const custom = t.routes.find((r) => r.handle);
        const refuse = { authenticate: () => Promise.reject(new GatewayError('GW_UNAUTHORIZED', 'x')) } as unknown as RouteHost;
        try {
          if (custom) await custom.handle!({ ...input, params: {} }, refuse);
          else await t.decode({ ...input, body: {} });
        } catch (e) {
          if (!(e instanceof GatewayError)) throw e;
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });
});
