import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Plugin } from './types.ts';
import { withTimeout } from '../util/with-timeout.ts';

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
  /** Project files in its import graph, entry included (empty for built-ins, which are not watched). */
  inputs: string[];
  /** Where its code runs from: a stack frame in this path is the plugin's (its bundle, or a built-in's folder). */
  runsFrom: string;
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

/** Script extensions a plugin (or one of its helpers) may have. */
export const SCRIPT = /\.(ts|js|mjs)$/;
/** The entry of a plugin that is a folder. */
export const FOLDER_ENTRY = /^plugin\.(ts|js|mjs)$/;

/** A name in the drop-in folder that can be a plugin: not a helper (`_x`), a dot file or `node_modules`. */
export function isDropInName(name: string): boolean {
  return !name.startsWith('_') && !name.startsWith('.') && name !== 'node_modules';
}

/**
 * Drop-in plugin candidates in `<data-dir>/plugins`, sorted: every top-level `.ts`/`.js`/`.mjs`
 * file, and `<folder>/plugin.ts` (or `.js`/`.mjs`) for each sub-folder that has one. Names
 * starting with `_` or `.` are helpers (and editors' temp files), as are `*.d.ts`, `*.test.*`
 * and everything else inside a sub-folder. The host also drops a candidate that another plugin
 * imports (see `PluginHost`), so `util.ts` imported by `stamp.ts` is a helper without a `_`.
 */
export function findDropIns(dir: string): PluginSource[] {
  const out: PluginSource[] = [];
  for (const f of safeReaddir(dir).sort()) {
    if (!isDropInName(f)) continue;
    const path = join(dir, f);
    if (SCRIPT.test(f)) {
      if (!f.endsWith('.d.ts') && !f.includes('.test.') && !isFolder(path)) out.push({ origin: 'drop-in', file: path });
      continue;
    }
    if (!isFolder(path)) continue;
    const entry = ['plugin.ts', 'plugin.js', 'plugin.mjs'].map((e) => join(path, e)).find((e) => existsSync(e));
    if (entry) out.push({ origin: 'drop-in', file: entry });
  }
  return out;
}

/** A short name for a plugin file in messages: `plugins/stamp.ts`, `plugins/stamp/plugin.ts`, or the path. */
export function fileLabel(src: PluginSource): string {
  if (src.origin !== 'drop-in') return src.file;
  const parts = src.file.split('/');
  return basename(src.file).startsWith('plugin.') ? `plugins/${parts.at(-2)}/${parts.at(-1)}` : `plugins/${parts.at(-1)}`;
}

/** The name a plugin file goes by when its code cannot tell (it failed to build or load). */
export function fallbackName(src: PluginSource): string {
  const base = basename(src.file).replace(SCRIPT, '');
  return base === 'plugin' ? basename(dirname(src.file)) : base;
}

/** A drop-in or path plugin bundled into one module text, not yet imported. */
export interface BuiltPlugin {
  code: string;
  hash: string;
  /** Absolute paths of the project files in its import graph (entry included; npm packages left out). */
  inputs: string[];
}

/**
 * Bundles a drop-in or path plugin with Bun.build (its code does not run). Throws with the
 * build's messages when it fails.
 */
export async function buildPlugin(src: PluginSource): Promise<BuiltPlugin> {
  const built = await Bun.build({ entrypoints: [src.file], target: 'bun', format: 'esm', metafile: true, throw: false, plugins: [hostPackages] });
  if (!built.success || built.outputs.length === 0) {
    const msg = built.logs.map((l) => l.message).join('; ') || 'build failed';
    throw new Error(`cannot build ${basename(src.file)}: ${msg}`);
  }
  const code = await built.outputs[0].text();
  return { code, hash: Bun.hash(code).toString(36), inputs: localInputs(built.metafile, src.file) };
}

/** The metafile's input files (keyed relative to the working folder) that are not npm packages. */
function localInputs(metafile: unknown, entry: string): string[] {
  const meta = (typeof metafile === 'string' ? JSON.parse(metafile) : metafile) as { inputs?: Record<string, unknown> } | undefined;
  const files = new Set([resolve(entry)]);
  for (const key of Object.keys(meta?.inputs ?? {})) {
    if (/^[a-z]+:/i.test(key)) continue; // a namespace (`bun:`, `node:`), not a file
    const file = resolve(process.cwd(), key);
    if (!file.split('/').includes('node_modules')) files.add(file);
  }
  return [...files];
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
    return { plugin: checkPlugin(mod.default, src.file), hash: `builtin:${src.file}`, inputs: [], runsFrom: dirname(src.file) + sep };
  }
  return importBuiltPlugin(src, await buildPlugin(src), cacheDir, timeoutMs);
}

/** Imports a module made by `buildPlugin` from its content-hashed file. Throws like `loadPluginModule`. */
export async function importBuiltPlugin(src: PluginSource, built: BuiltPlugin, cacheDir: string, timeoutMs = 10_000): Promise<LoadedModule> {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const out = join(cacheDir, `${fallbackName(src)}-${built.hash}.mjs`);
  writeBundle(out, built.code);
  const mod = await withTimeout(import(out), timeoutMs, `${basename(src.file)} did not finish loading within ${timeoutMs} ms`);
  return { plugin: checkPlugin(mod.default, src.file), hash: built.hash, inputs: built.inputs, runsFrom: out };
}

/**
 * Puts a bundle in the cache unless the same bytes are there. Written to a temp file and renamed,
 * so a process killed or a disk full mid-write never leaves a cut file under the hashed name
 * (which every later start would import); a cut file left before is recognized by its size.
 */
function writeBundle(out: string, code: string): void {
  const bytes = Buffer.byteLength(code);
  try {
    if (statSync(out).size === bytes) return;
  } catch {
    // not there yet
  }
  const temp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, code, { mode: 0o600 });
    renameSync(temp, out);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Deletes the bundles in `cacheDir` other than `keep` (the files the plugins loaded by this reload
 * run from). Every edit of a plugin writes a bundle under a new name; the ones before it are never
 * read again (a module stays loaded once imported, whatever happens to its file), so without this
 * the folder gains a file per edit for good. Never throws.
 */
export function pruneBundles(cacheDir: string, keep: ReadonlySet<string>): void {
  for (const name of safeReaddir(cacheDir)) {
    const file = join(cacheDir, name);
    if (!name.endsWith('.mjs') || keep.has(file)) continue;
    try {
      rmSync(file, { force: true });
    } catch {
      // Left for the next reload.
    }
  }
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

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
