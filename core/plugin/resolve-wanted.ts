import type { OtherPlugin } from './load-other-plugins.ts';
import { fallbackName, fileLabel, type LoadedModule, type PluginSource } from './load-plugin-module.ts';

/** A plugin the host should run (or report): its name, code (when it loaded) and config. */
export interface Wanted {
  name: string;
  source: PluginSource;
  module?: LoadedModule;
  config: unknown;
  loadError?: string;
}

export interface ResolveInput {
  /** The `plugins:` list in YAML order (`config` false when switched off). */
  listed: ReadonlyArray<{ ref: string; config: unknown }>;
  /** True when a `plugins:` entry names a file; `fileOf` gives its absolute path. */
  isPath(ref: string): boolean;
  fileOf(ref: string): string;
  /** Built-in modules by file, in a stable order. */
  builtins: ReadonlyMap<string, LoadedModule>;
  /** Drop-ins (folder order) and listed paths, loaded or not. */
  others: readonly OtherPlugin[];
}

/**
 * Decides which code runs under which name, in hook order: listed entries (YAML order), then
 * drop-ins, then autoloaded built-ins.
 *
 * A plugin name is owned by exactly one file. Built-ins own their names first; then listed
 * paths, then drop-ins in folder order. A user file whose plugin declares a name that is
 * already owned does not run: it is reported under its file label (`plugins/retry.ts`) with an
 * error naming the owner, and the owner runs as configured. A user file that failed to load
 * goes by its file name (`stamp.ts` → `stamp`), or by its label when that name is owned, so a
 * broken `retry.ts` never stands in for the built-in `retry`.
 */
export function resolveWanted(input: ResolveInput): Wanted[] {
  const owners = new Map<string, Wanted>();
  for (const [file, m] of input.builtins) {
    if (!owners.has(m.plugin.name)) owners.set(m.plugin.name, { name: m.plugin.name, source: { origin: 'builtin', file }, module: m, config: undefined });
  }
  const byFile = claimOthers(input, owners);

  const out = new Map<string, Wanted>();
  const add = (w: Wanted) => void out.set(w.name, w);
  const disabled = new Set(input.listed.filter((e) => e.config === false).map((e) => e.ref));
  for (const e of input.listed) {
    if (e.config === false) continue;
    const config = e.config === true || e.config === null ? undefined : e.config;
    const w = input.isPath(e.ref) ? byFile.get(input.fileOf(e.ref)) : owners.get(e.ref);
    if (w) add({ ...w, config });
    else add({ name: e.ref, source: { origin: 'builtin', file: e.ref }, config, loadError: `no plugin named "${e.ref}"` });
  }
  for (const o of input.others) {
    const w = byFile.get(o.source.file);
    if (o.source.origin === 'drop-in' && w && !disabled.has(w.name) && !out.has(w.name)) add(w);
  }
  for (const [file, m] of input.builtins) {
    const owner = owners.get(m.plugin.name);
    if (m.plugin.autoload && owner?.source.file === file && !disabled.has(m.plugin.name) && !out.has(m.plugin.name)) add(owner);
  }
  return [...out.values()];
}

/** Gives each drop-in and path file its `Wanted`, claiming names in `owners`. */
function claimOthers(input: ResolveInput, owners: Map<string, Wanted>): Map<string, Wanted> {
  const paths = new Set(input.listed.filter((e) => input.isPath(e.ref)).map((e) => input.fileOf(e.ref)));
  // A listed path inside the plugins folder is the same file as the drop-in: it counts once, as listed.
  const others = [
    ...input.others.filter((o) => o.source.origin === 'path'),
    ...input.others.filter((o) => o.source.origin === 'drop-in' && !paths.has(o.source.file)),
  ];
  const byFile = new Map<string, Wanted>();
  for (const o of others.filter((x) => x.module)) {
    const name = o.module!.plugin.name;
    const owner = owners.get(name);
    if (owner) {
      byFile.set(o.source.file, { name: fileLabel(o.source), source: o.source, config: undefined, loadError: clashMessage(name, owner) });
      continue;
    }
    const w: Wanted = { name, source: o.source, module: o.module, config: undefined };
    owners.set(name, w);
    byFile.set(o.source.file, w);
  }
  for (const o of others.filter((x) => !x.module)) {
    const guess = fallbackName(o.source);
    const name = owners.has(guess) ? fileLabel(o.source) : guess;
    const w: Wanted = { name, source: o.source, config: undefined, loadError: o.loadError ?? 'not loaded' };
    if (name === guess) owners.set(name, w);
    byFile.set(o.source.file, w);
  }
  return byFile;
}

function clashMessage(name: string, owner: Wanted): string {
  const by = owner.source.origin === 'builtin' ? 'the built-in plugin' : `the plugin in ${fileLabel(owner.source)}`;
  return `plugin name "${name}" is already taken by ${by}; this file was not run (give its plugin another name)`;
}
