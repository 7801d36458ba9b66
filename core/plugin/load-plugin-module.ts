import { mkdirSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Plugin } from './types.ts';

/** Where a plugin's code comes from. */
export interface PluginSource {
  /** `builtin`, `drop-in` (data-dir plugins folder) or `path` (listed in the config). */
  origin: 'builtin' | 'drop-in' | 'path';
  file: string;
}

export interface LoadedModule {
  plugin: Plugin<unknown>;
  /** Content hash of the code; changes when the file (or anything it imports) changes. */
  hash: string;
}

const PLUGINS_ROOT = resolve(import.meta.dir, '../../plugins');

/** Built-in plugins: `plugins/<kind>/<name>/plugin.ts`, sorted for a stable order. */
export function findBuiltinPlugins(root = PLUGINS_ROOT): PluginSource[] {
  const out: PluginSource[] = [];
  for (const kind of safeReaddir(root).sort()) {
    for (const name of safeReaddir(join(root, kind)).sort()) {
      const file = join(root, kind, name, 'plugin.ts');
      if (existsSync(file)) out.push({ origin: 'builtin', file });
    }
  }
  return out;
}

/** Drop-in plugins: every `.ts`/`.js` file directly in `<data-dir>/plugins`. */
export function findDropIns(dir: string): PluginSource[] {
  return safeReaddir(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
    .sort()
    .map((f) => ({ origin: 'drop-in' as const, file: join(dir, f) }));
}

/**
 * Imports a plugin module. Built-ins are imported in place (fast start-up). Drop-ins and
 * config paths are bundled with Bun.build into a content-hashed file first: re-importing the
 * same path would not refresh its own imports, a new file does.
 * Throws when the module cannot be built, has no valid default export, or does not finish
 * loading within `timeoutMs` (a top-level await that never settles would hold every later reload).
 */
export async function loadPluginModule(src: PluginSource, cacheDir: string, timeoutMs = 10_000): Promise<LoadedModule> {
  if (src.origin === 'builtin') {
    const mod = await import(src.file);
    return { plugin: checkPlugin(mod.default, src.file), hash: `builtin:${src.file}` };
  }
  const built = await Bun.build({ entrypoints: [src.file], target: 'bun', format: 'esm', plugins: [hostPackages] });
  if (!built.success || built.outputs.length === 0) {
    const msg = built.logs.map((l) => l.message).join('; ') || 'build failed';
    throw new Error(`cannot build ${basename(src.file)}: ${msg}`);
  }
  const code = await built.outputs[0].text();
  const hash = Bun.hash(code).toString(36);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const out = join(cacheDir, `${basename(src.file).replace(/\.\w+$/, '')}-${hash}.mjs`);
  if (!existsSync(out)) await Bun.write(out, code);
  const mod = await withTimeout(import(out), timeoutMs, `${basename(src.file)} did not finish loading within ${timeoutMs} ms`);
  return { plugin: checkPlugin(mod.default, src.file), hash };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const HOST_ROOT = resolve(import.meta.dir, '../..');

/**
 * A drop-in lives outside the project, so its bare imports (`valibot`, …) may not resolve
 * from its own folder: they fall back to the gateway's own node_modules.
 */
const hostPackages: import('bun').BunPlugin = {
  name: 'switchyard-host-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('bun')) return undefined;
      try {
        return { path: Bun.resolveSync(args.path, dirname(args.importer)) };
      } catch {
        return { path: Bun.resolveSync(args.path, HOST_ROOT) };
      }
    });
  },
};

function checkPlugin(p: unknown, file: string): Plugin<unknown> {
  const o = p as Partial<Plugin<unknown>> | undefined;
  if (!o || typeof o !== 'object') throw new Error(`${basename(file)} has no default export object`);
  if (typeof o.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(o.name)) throw new Error(`${basename(file)}: invalid plugin name`);
  if (o.apiVersion !== 1) throw new Error(`${o.name}: unsupported apiVersion ${String(o.apiVersion)}`);
  if (typeof o.setup !== 'function') throw new Error(`${o.name}: setup is not a function`);
  return o as Plugin<unknown>;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
