import { describe, expect, test } from 'bun:test';
import { lazyAdapter, type AdapterShell } from './lazy-adapter.ts';
import { findBuiltinPlugins, loadPluginModule } from './load-plugin-module.ts';
import type { Attempt, CallContext, PluginContext, ProviderAdapter, ProviderRuntime } from './types.ts';

const attempt = {} as Attempt;
const call = {} as CallContext;
const provider = { name: 'p', models: ['m1'] } as unknown as ProviderRuntime;

function realAdapter(): ProviderAdapter {
  return {
    id: 'x',
    nativeDialect: 'openai-chat',
    chat: {
      generate: async (req) => ({ text: `echo ${req.model}` }) as never,
      stream: async () => new ReadableStream(),
      passthrough: async (body) => ({ response: Response.json(body), parser: { push: () => [], end: () => [] } }),
    },
    operations: { embed: async (req) => ({ got: req }) as never },
    listModels: async (p) => p.models,
    preview: (req) => ({ url: 'u', method: 'POST', headers: {}, body: req }),
  };
}

const shell: AdapterShell = { id: 'x', nativeDialect: 'openai-chat', passthrough: true, operations: ['embed'], listModels: true, preview: true };

describe('lazyAdapter', () => {
  test('declares the shell before loading, loads once on the first call, then calls straight through', async () => {
    let loads = 0;
    const a = lazyAdapter(shell, async () => (loads++, realAdapter()));
    expect(Object.keys(a).sort()).toEqual(['chat', 'id', 'listModels', 'nativeDialect', 'operations', 'preview']);
    expect(typeof a.chat?.passthrough).toBe('function');
    expect(Object.keys(a.operations!)).toEqual(['embed']);
    expect(loads).toBe(0);
    const [r1, r2] = await Promise.all([a.chat!.generate({ model: 'm' } as never, attempt, call), a.listModels!(provider)]);
    expect(r1).toEqual({ text: 'echo m' } as never);
    expect(r2).toEqual(['m1']);
    expect(loads).toBe(1);
    expect(await a.operations!.embed!({ input: ['a'] } as never, attempt, call)).toEqual({ got: { input: ['a'] } });
    // Loaded: a synchronous member answers synchronously again.
    expect(a.preview!({ model: 'm' } as never, provider)).toEqual({ url: 'u', method: 'POST', headers: {}, body: { model: 'm' } as never });
  });

  test('members the shell does not declare are absent', () => {
    const a = lazyAdapter({ id: 'y', chat: false, operations: ['rerank'] }, async () => realAdapter());
    expect(a.chat).toBeUndefined();
    expect(a.nativeDialect).toBeUndefined();
    expect(a.listModels).toBeUndefined();
    expect(Object.keys(a.operations!)).toEqual(['rerank']);
  });

  test('code that does not match its shell fails the call that loaded it, naming the difference', async () => {
    const a = lazyAdapter({ ...shell, preview: false }, async () => realAdapter());
    await expect(a.listModels!(provider)).rejects.toThrow('preview=false | loaded: id=x dialect=openai-chat chat=true passthrough=true operations=[embed] listModels=true preview=true');
  });
});

describe('built-in provider plugins', () => {
  test('every lazily loaded adapter has what its plugin declares', async () => {
    let checked = 0;
    for (const source of findBuiltinPlugins()) {
      const { plugin } = await loadPluginModule(source, '');
      if (plugin.kind !== 'provider') continue;
      const provided: ProviderAdapter[] = [];
      const ctx = {
        host: { http: { fetch: () => Promise.reject(new Error('offline')) }, dataDir: '/tmp', config: () => ({}) },
        provide: (_kind: string, impl: ProviderAdapter) => provided.push(impl),
        onDispose: () => {}, on: () => {}, hook: () => {}, keep: <T>(make: () => T) => make(),
      } as unknown as PluginContext;
      await plugin.setup(ctx);
      for (const a of provided) {
        // Any call loads the code and checks it; what the call answers (offline here, or a call
        // without a request) does not matter.
        const first = a.listModels?.({ ...provider, accounts: [], headers: {}, options: {} } as unknown as ProviderRuntime)
          ?? a.chat?.generate(undefined as never, undefined as never, undefined as never)
          ?? Promise.resolve();
        await first.catch((e: Error) => {
          if (e.message.includes('does not match')) throw e;
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });
});
