import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { Bus } from '../bus/bus.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { ConfigSchema } from '../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { PluginHost } from './plugin-host.ts';
import type { HostServices } from './types.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(plugins: GatewayConfig['plugins'] = [], log: Logger = silent, redact?: (t: string) => string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-host-'));
  dirs.push(dataDir);
  const builtinRoot = join(dataDir, 'builtin');
  mkdirSync(join(dataDir, 'plugins'), { recursive: true });
  mkdirSync(builtinRoot, { recursive: true });
  const bus = new Bus();
  const errors: string[] = [];
  bus.on('plugin:errored', (e) => void errors.push(`${e.name}:${e.phase}:${e.error}`));
  const services = { dataDir } as unknown as HostServices;
  const host = new PluginHost({ bus, log, services, dataDir, configFile: join(dataDir, 'c.yaml'), builtinRoot, setupTimeoutMs: 300, loadTimeoutMs: 300, redact });
  const config = (list = plugins) => v.parse(ConfigSchema, { plugins: list });
  return { dataDir, builtinRoot, host, bus, errors, config };
}

function dropIn(dir: string, file: string, body: string) {
  writeFileSync(join(dir, 'plugins', file), body);
}

const plugin = (name: string, setup: string, extra = '') =>
  `export default { name: '${name}', kind: 'observer', apiVersion: 1, ${extra} setup(ctx) { ${setup} } };\n`;

describe('PluginHost', () => {
  test('loads drop-ins, reuses unchanged instances and reloads changed code', async () => {
    const t = setup();
    dropIn(t.dataDir, 'a.ts', plugin('a', `ctx.provide('api', { method: 'GET', path: '/api/a', handle: () => new Response('v1') });`));
    const s1 = await t.host.reload(t.config(), new Map());
    expect(s1.apiRoutes.match('GET', '/api/a')).toBeDefined();
    const inst1 = s1.instances.find((i) => i.name === 'a');

    const s2 = await t.host.reload(t.config(), new Map());
    expect(s2.instances.find((i) => i.name === 'a')).toBe(inst1!);

    dropIn(t.dataDir, 'a.ts', plugin('a', `ctx.provide('api', { method: 'GET', path: '/api/a', handle: () => new Response('v2') });`));
    const s3 = await t.host.reload(t.config(), new Map());
    const res = await s3.apiRoutes.match('GET', '/api/a')!.value.handle(new Request('http://x/api/a'), {});
    expect(await res.text()).toBe('v2');
    expect(s3.generation).toBe(3);
  });

  test('a plugin listed as ~/path is read from the home folder', async () => {
    const t = setup();
    mkdirSync(join(t.dataDir, 'mine'));
    writeFileSync(join(t.dataDir, 'mine', 'p.ts'), plugin('mine', `ctx.provide('api', { method: 'GET', path: '/api/mine', handle: () => new Response('ok') });`));
    const home = process.env.HOME;
    process.env.HOME = t.dataDir;
    try {
      const s = await t.host.reload(t.config(['~/mine/p.ts']), new Map());
      expect(t.errors).toEqual([]);
      expect(s.apiRoutes.match('GET', '/api/mine')).toBeDefined();
    } finally {
      process.env.HOME = home;
    }
  });

  test('settings a plugin does not know are logged as a warning (they are ignored)', async () => {
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {}, child: () => log };
    const t = setup([{ greeter: { greting: 'hi', volume: 2 } }], log);
    dropIn(t.dataDir, 'greeter.ts', `import * as v from 'valibot';\n${plugin('greeter', '', "config: v.object({ greeting: v.optional(v.string()), volume: v.optional(v.number()) }),")}`);
    const s = await t.host.reload(t.config(), new Map());
    expect(s.instances.map((i) => i.name)).toContain('greeter');
    expect(warnings).toEqual(['unknown setting ignored: greting (a typo?)']);
  });

  test('a plugin whose setup throws is isolated; the others keep serving', async () => {
    const t = setup();
    dropIn(t.dataDir, 'good.ts', plugin('good', `ctx.provide('api', { method: 'GET', path: '/api/good', handle: () => new Response('ok') });`));
    dropIn(t.dataDir, 'bad.ts', plugin('bad', `throw new Error('boom');`));
    const s = await t.host.reload(t.config(), new Map());
    expect(s.apiRoutes.match('GET', '/api/good')).toBeDefined();
    expect(s.instances.map((i) => i.name)).not.toContain('bad');
    const bad = t.host.status().find((p) => p.name === 'bad');
    expect(bad?.state).toBe('errored');
    expect(bad?.error).toContain('boom');
    expect(t.errors.some((e) => e.startsWith('bad:setup'))).toBe(true);
  });

  test('a broken new version keeps the previous instance serving', async () => {
    const t = setup();
    dropIn(t.dataDir, 'p.ts', plugin('p', `ctx.provide('api', { method: 'GET', path: '/api/p', handle: () => new Response('old') });`));
    const s1 = await t.host.reload(t.config(), new Map());
    dropIn(t.dataDir, 'p.ts', 'export default { name: "p", kind: "observer", apiVersion: 1, setup() { throw new Error("nope") } };');
    const s2 = await t.host.reload(t.config(), new Map());
    expect(s2.instances.find((i) => i.name === 'p')).toBe(s1.instances.find((i) => i.name === 'p')!);
    expect(t.host.status().find((p) => p.name === 'p')?.error).toContain('previous version still serving');

    dropIn(t.dataDir, 'p.ts', 'export default { this is not javascript');
    const s3 = await t.host.reload(t.config(), new Map());
    expect(s3.apiRoutes.match('GET', '/api/p')).toBeDefined();
  });

  test('setup that hangs times out', async () => {
    const t = setup();
    dropIn(t.dataDir, 'slow.ts', plugin('slow', `return new Promise(() => {});`));
    const s = await t.host.reload(t.config(), new Map());
    expect(s.instances).toHaveLength(0);
    expect(t.host.status()[0].error).toContain('did not finish');
  });

  test('a module that never finishes loading (top-level await) is reported, and later reloads still apply', async () => {
    const t = setup();
    dropIn(t.dataDir, 'stuck.ts', `await new Promise(() => {});\n` + plugin('stuck', ''));
    dropIn(t.dataDir, 'fine.ts', plugin('fine', ''));
    const s = await t.host.reload(t.config(), new Map());
    expect(s.instances.map((i) => i.name)).toEqual(['fine']);
    expect(t.host.status().find((p) => p.name === 'stuck')?.error).toContain('did not finish loading');
    expect((await t.host.reload(t.config(), new Map())).generation).toBe(s.generation + 1);
  });

  test('a setup that goes on past its timeout registers nothing more, and its late disposer runs', async () => {
    const t = setup();
    dropIn(t.dataDir, 'late.ts', plugin('late', `await Bun.sleep(500);
      ctx.on('config:reloaded', () => { globalThis.__lateHeard = true; });
      return () => { globalThis.__lateDisposed = true; };`).replace('setup(ctx)', 'async setup(ctx)'));
    await t.host.reload(t.config(), new Map());
    expect(t.host.status().find((p) => p.name === 'late')?.error).toContain('did not finish');
    await Bun.sleep(600);
    t.bus.emit('config:reloaded', { generation: 9, added: [], changed: [], removed: [] });
    expect((globalThis as { __lateHeard?: boolean }).__lateHeard).toBeUndefined();
    expect((globalThis as { __lateDisposed?: boolean }).__lateDisposed).toBe(true);
  });

  test('invalid plugin config is reported with its path', async () => {
    const t = setup();
    dropIn(t.dataDir, 'cfg.ts', `import * as v from 'valibot';\n` + plugin('cfg', '', `config: v.object({ n: v.number() }),`));
    await t.host.reload(t.config([{ cfg: { n: 'x' } }]), new Map());
    expect(t.host.status().find((p) => p.name === 'cfg')?.error).toMatch(/invalid config at n/);
  });

  test('a config error never quotes the value: a literal webhook URL or token no secret covers stays out of the status', async () => {
    const t = setup();
    dropIn(t.dataDir, 'hook2.ts', `import * as v from 'valibot';\n` + plugin('hook2', '', `config: v.object({ url: v.pipe(v.string(), v.url()), n: v.optional(v.number()) }),`));
    await t.host.reload(t.config([{ hook2: { url: 'hooks.slack.com/services/T0123/LiTeRaLtOkEn42' } }]), new Map());
    expect(t.host.status().find((p) => p.name === 'hook2')?.error).toBe('plugin hook2: invalid config at url: Invalid URL');
    await t.host.reload(t.config([{ hook2: { url: 'https://x.example/h', n: 'tok-LiTeRaL-77' } }]), new Map());
    const error = t.host.status().find((p) => p.name === 'hook2')?.error ?? '';
    expect(error).toBe('plugin hook2: invalid config at n: Invalid type: Expected number');
  });

  test('an error that quotes a secret (an env value in the config) is masked in the status and the event', async () => {
    const t = setup([], silent, (s) => s.replaceAll('sEcReTtOkEn789', '***'));
    dropIn(t.dataDir, 'hook.ts', `import * as v from 'valibot';\n` + plugin('hook', '', `config: v.object({ url: v.pipe(v.string(), v.url()) }),`));
    await t.host.reload(t.config([{ hook: { url: 'hooks.slack.com/services/T0123/sEcReTtOkEn789' } }]), new Map());
    const error = t.host.status().find((p) => p.name === 'hook')?.error ?? '';
    expect(error).toContain('invalid config at url');
    expect(error).not.toContain('sEcReTtOkEn789');
    expect(t.errors.join('\n')).not.toContain('sEcReTtOkEn789');
  });

  test('replaced instances are disposed only after in-flight requests on the old snapshot finish', async () => {
    const t = setup();
    dropIn(t.dataDir, 'd.ts', plugin('d', `globalThis.__disposed = false; return () => { globalThis.__disposed = true; };`));
    await t.host.reload(t.config(), new Map());
    const held = t.host.acquire();
    dropIn(t.dataDir, 'd.ts', plugin('d', `return () => {};`, `description: 'v2',`));
    await t.host.reload(t.config(), new Map());
    await Bun.sleep(10);
    expect((globalThis as Record<string, unknown>).__disposed).toBe(false);
    t.host.release(held);
    await Bun.sleep(10);
    expect((globalThis as Record<string, unknown>).__disposed).toBe(true);
  });

  test('plugin:disposed tells whether the plugin serves on: replaced by a reload or a failed setup, or gone', async () => {
    const t = setup();
    const disposed: Array<[string, boolean]> = [];
    t.bus.on('plugin:disposed', (e) => void disposed.push([e.name, e.serving]));
    dropIn(t.dataDir, 'g.ts', plugin('g', `return () => {};`));
    await t.host.reload(t.config(), new Map());
    dropIn(t.dataDir, 'g.ts', plugin('g', `return () => {};`, `description: 'v2',`));
    await t.host.reload(t.config(), new Map());
    dropIn(t.dataDir, 'g.ts', 'export default { name: "g", kind: "observer", apiVersion: 1, setup() { throw new Error("nope") } };');
    await t.host.reload(t.config(), new Map());
    rmSync(join(t.dataDir, 'plugins', 'g.ts'));
    await t.host.reload(t.config(), new Map());
    await Bun.sleep(10);
    expect(disposed).toEqual([['g', true], ['g', true], ['g', false]]);
  });

  test('hooks follow YAML order, with pre/post ranks', async () => {
    const t = setup();
    dropIn(t.dataDir, 'x.ts', plugin('x', `ctx.hook('beforeRequest', () => {});`));
    dropIn(t.dataDir, 'y.ts', plugin('y', `ctx.hook('beforeRequest', () => {}); ctx.hook('selectRoute', () => {}, { order: 'pre' });`));
    dropIn(t.dataDir, 'z.ts', plugin('z', `ctx.hook('selectRoute', () => {});`));
    const s = await t.host.reload(t.config(['y', 'x', 'z']), new Map());
    expect(s.hooks.beforeRequest.map((h) => h.owner.name)).toEqual(['y', 'x']);
    expect(s.hooks.selectRoute.map((h) => h.owner.name)).toEqual(['y', 'z']);
    const s2 = await t.host.reload(t.config(['x', 'y', { z: false }]), new Map());
    expect(s2.hooks.beforeRequest.map((h) => h.owner.name)).toEqual(['x', 'y']);
    expect(s2.instances.map((i) => i.name)).not.toContain('z');
    expect(t.host.status().find((p) => p.name === 'z')?.state).toBe('disabled');
  });

  test('a plugin emits only its own events: a core event or another plugin\'s is refused', async () => {
    const t = setup();
    const seen: string[] = [];
    t.bus.onAny((type) => void seen.push(type));
    dropIn(t.dataDir, 'own.ts', plugin('own', `ctx.emit('own:thing-happened', {});`));
    dropIn(t.dataDir, 'forger.ts', plugin('forger', `ctx.emit('response:completed', { id: 'fake' });`));
    dropIn(t.dataDir, 'imposter.ts', plugin('imposter', `ctx.emit('own:thing-happened', {});`));
    const s = await t.host.reload(t.config(), new Map());
    expect(seen).toContain('own:thing-happened');
    expect(seen.filter((e) => e === 'own:thing-happened')).toHaveLength(1);
    expect(seen).not.toContain('response:completed');
    expect(s.instances.map((i) => i.name)).toContain('own');
    expect(s.instances.map((i) => i.name)).not.toContain('forger');
    expect(t.host.status().find((p) => p.name === 'forger')?.error).toContain('plugin forger may emit only its own events ("forger:…"), not "response:completed"');
    expect(t.host.status().find((p) => p.name === 'imposter')?.state).toBe('errored');
  });

  test('ctx.error makes a GatewayError a provider can mark retryable, with the upstream status and Retry-After', async () => {
    const t = setup();
    dropIn(t.dataDir, 'up.ts', plugin('up', `
      const plain = ctx.error('GW_FORBIDDEN', 'no');
      const busy = ctx.error('GW_UPSTREAM_ERROR', 'acme is busy', 503, { retryable: true, retryAfterMs: 2000, upstream: { status: 503, message: 'busy' } });
      ctx.provide('api', { method: 'GET', path: '/api/up', handle: () => Response.json([plain, busy].map((e) => ({ code: e.code, status: e.status, retryable: e.retryable, retryAfterMs: e.retryAfterMs, upstream: e.upstream }))) });`));
    const s = await t.host.reload(t.config(), new Map());
    const res = await s.apiRoutes.match('GET', '/api/up')!.value.handle(new Request('http://x/api/up'), {});
    expect(await res.json()).toEqual([
      { code: 'GW_FORBIDDEN', status: 403, retryable: false },
      { code: 'GW_UPSTREAM_ERROR', status: 503, retryable: true, retryAfterMs: 2000, upstream: { status: 503, message: 'busy' } },
    ]);
  });

  test('an event listener that throws is reported and does not reach the emitter', async () => {
    const t = setup();
    dropIn(t.dataDir, 'l.ts', plugin('l', `ctx.on('request:received', () => { throw new Error('listener broke'); });`));
    await t.host.reload(t.config(), new Map());
    expect(() => t.bus.emit('request:received', { id: '1', dialect: 'x', model: 'm', stream: false, operation: 'chat' })).not.toThrow();
    expect(t.errors.some((e) => e.startsWith('l:event') && e.includes('listener broke'))).toBe(true);
  });
});

function builtin(root: string, name: string, body: string) {
  mkdirSync(join(root, 'guard', name), { recursive: true });
  writeFileSync(join(root, 'guard', name, 'plugin.ts'), body);
}

const answers = (name: string, text: string, extra = '') =>
  plugin(name, `ctx.provide('api', { method: 'GET', path: '/api/who', handle: () => new Response('${text}') });`, extra);

async function who(s: Awaited<ReturnType<PluginHost['reload']>>): Promise<string> {
  return (await s.apiRoutes.match('GET', '/api/who')!.value.handle(new Request('http://x/api/who'), {})).text();
}

describe('PluginHost: who owns a plugin name', () => {
  test('a drop-in that declares a built-in\'s name does not run; the built-in runs and the clash is reported', async () => {
    const t = setup();
    builtin(t.builtinRoot, 'retry', answers('retry', 'built-in'));
    dropIn(t.dataDir, 'retry.ts', answers('retry', 'user file'));
    const s = await t.host.reload(t.config(['retry']), new Map());
    expect(await who(s)).toBe('built-in');
    const st = t.host.status();
    expect(st.find((p) => p.name === 'retry')).toMatchObject({ state: 'active', source: expect.stringMatching(/^builtin:/) });
    expect(st.find((p) => p.name === 'plugins/retry.ts')).toMatchObject({
      state: 'errored', source: expect.stringMatching(/^drop-in:.*retry\.ts$/), error: expect.stringContaining('"retry" is already taken by the built-in plugin'),
    });
    expect(t.errors.some((e) => e.startsWith('plugins/retry.ts:load:'))).toBe(true);
  });

  test('an autoloaded built-in is not replaced by a drop-in of the same name', async () => {
    const t = setup();
    builtin(t.builtinRoot, 'retry', answers('retry', 'built-in', 'autoload: true,'));
    dropIn(t.dataDir, 'zz.ts', answers('retry', 'user file'));
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('built-in');
    expect(t.host.status().find((p) => p.name === 'plugins/zz.ts')?.error).toContain('already taken');
  });

  test('a drop-in file that fails to load never stands in for the built-in its file name matches', async () => {
    const t = setup();
    builtin(t.builtinRoot, 'retry', answers('retry', 'built-in', 'autoload: true,'));
    dropIn(t.dataDir, 'retry.ts', 'export default { name: "retry", kind: ;;;');
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('built-in');
    expect(t.host.status().find((p) => p.name === 'retry')?.state).toBe('active');
    expect(t.host.status().find((p) => p.name === 'plugins/retry.ts')).toMatchObject({ state: 'errored', error: expect.stringContaining('cannot build') });
  });

  test('a drop-in file named like a built-in but declaring its own name is its own plugin', async () => {
    const t = setup();
    builtin(t.builtinRoot, 'retry', plugin('retry', ''));
    dropIn(t.dataDir, 'retry.ts', answers('my-retry', 'user file'));
    const s = await t.host.reload(t.config(['retry', 'my-retry']), new Map());
    expect(await who(s)).toBe('user file');
    expect(s.instances.map((i) => `${i.name}:${i.source.split(':')[0]}`)).toEqual(['retry:builtin', 'my-retry:drop-in']);
  });

  test('two drop-ins declaring one name: the first file (by name) runs, the other is reported', async () => {
    const t = setup();
    dropIn(t.dataDir, 'a.ts', answers('same', 'a'));
    dropIn(t.dataDir, 'b.ts', answers('same', 'b'));
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('a');
    expect(t.host.status().find((p) => p.name === 'plugins/b.ts')?.error).toContain('already taken by the plugin in plugins/a.ts');
  });
});

describe('PluginHost: which files in the plugins folder are plugins', () => {
  test('a top-level helper imported by a drop-in is not loaded as a plugin', async () => {
    const t = setup();
    dropIn(t.dataDir, 'util.ts', `export const greeting = 'from util';\n`);
    dropIn(t.dataDir, 'stamp.ts', `import { greeting } from './util.ts';\n` + plugin('stamp', `ctx.provide('api', { method: 'GET', path: '/api/who', handle: () => new Response(greeting) });`));
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('from util');
    expect(t.host.status().map((p) => `${p.name}:${p.state}`)).toEqual(['stamp:active']);
    expect(t.errors).toEqual([]);
  });

  test('files starting with _ are helpers, even when nothing imports them', async () => {
    const t = setup();
    dropIn(t.dataDir, '_scratch.ts', `export const unused = 1;\n`);
    dropIn(t.dataDir, 'p.ts', plugin('p', ''));
    await t.host.reload(t.config(), new Map());
    expect(t.host.status().map((p) => p.name)).toEqual(['p']);
  });

  test('a sub-folder with plugin.ts is one plugin; its other files and folders without plugin.ts are not', async () => {
    const t = setup();
    mkdirSync(join(t.dataDir, 'plugins', 'fancy'));
    mkdirSync(join(t.dataDir, 'plugins', 'lib'));
    dropIn(t.dataDir, 'fancy/helper.ts', `export const text = 'fancy helper';\n`);
    dropIn(t.dataDir, 'fancy/plugin.ts', `import { text } from './helper.ts';\n` + plugin('fancy', `ctx.provide('api', { method: 'GET', path: '/api/who', handle: () => new Response(text) });`));
    dropIn(t.dataDir, 'lib/shared.ts', `export const x = 1;\n`);
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('fancy helper');
    expect(t.host.status().map((p) => `${p.name}:${p.state}:${p.source.split(':')[0]}`)).toEqual(['fancy:active:drop-in']);
  });

  test('a plugin whose helper breaks is the one reported, and the helper stays a helper', async () => {
    const t = setup();
    dropIn(t.dataDir, 'util.ts', `export const greeting = 'v1';\n`);
    dropIn(t.dataDir, 'stamp.ts', `import { greeting } from './util.ts';\n` + plugin('stamp', `ctx.provide('api', { method: 'GET', path: '/api/who', handle: () => new Response(greeting) });`));
    await t.host.reload(t.config(), new Map());
    dropIn(t.dataDir, 'util.ts', `export const greeting = ;;;\n`);
    const s = await t.host.reload(t.config(), new Map());
    expect(await who(s)).toBe('v1');
    expect(t.host.status().map((p) => `${p.name}:${p.state}`)).toEqual(['stamp:errored']);
  });

  test('sourceFiles lists each drop-in with the project files it imports', async () => {
    const t = setup();
    dropIn(t.dataDir, 'util.ts', `export const greeting = 'hi';\n`);
    dropIn(t.dataDir, 'stamp.ts', `import * as v from 'valibot';\nimport { greeting } from './util.ts';\n` + plugin('stamp', 'void greeting; void v;'));
    await t.host.reload(t.config(), new Map());
    const files = t.host.sourceFiles().map((f) => f.slice(t.dataDir.length)).sort();
    expect(files).toEqual(['/plugins/stamp.ts', '/plugins/util.ts']);
  });
});

