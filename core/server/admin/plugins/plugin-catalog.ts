import { toJsonSchema } from '@valibot/to-json-schema';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { GenericSchema } from 'valibot';
import { findBuiltinPlugins, loadPluginModule } from '../../../plugin/load-plugin-module.ts';
import type { PluginHost, PluginStatus } from '../../../plugin/plugin-host.ts';
import type { Plugin } from '../../../plugin/types.ts';
import { maskConfigTree, PLUGIN_MASK_RULES } from '../config/mask-config-tree.ts';

/** One entry of `plugins:` in the YAML file, with its index. */
export interface PluginEntryRef {
  index: number;
  /** What the entry names: a plugin name or a path. */
  ref: string;
  /** `undefined` for `- name`, `false` when disabled, else the config object. */
  config: unknown;
}

/** A plugin as the dashboard lists it. */
export interface PluginView {
  name: string;
  kind: string;
  description: string | null;
  origin: 'builtin' | 'drop-in' | 'path' | 'unknown';
  source: string | null;
  state: 'active' | 'errored' | 'disabled' | 'available';
  error: string | null;
  hooks: string[];
  provides: string[];
  enabled: boolean;
  listed: boolean;
  position: number | null;
  autoload: boolean;
  hasConfig: boolean;
  /**
   * The YAML config (`null` when none) with literal secrets masked by `PLUGIN_MASK_RULES`;
   * `PUT /api/plugins/:name/config` keeps a secret that comes back as its mask.
   */
  config: unknown;
}

let builtins: Promise<Map<string, { plugin: Plugin<unknown>; file: string }>> | undefined;

/** Every built-in plugin module by plugin name (imported once; the host imports the same files). */
export function builtinPlugins(): Promise<Map<string, { plugin: Plugin<unknown>; file: string }>> {
  builtins ??= (async () => {
    const out = new Map<string, { plugin: Plugin<unknown>; file: string }>();
    for (const src of findBuiltinPlugins()) {
      try {
        const m = await loadPluginModule(src, '');
        out.set(m.plugin.name, { plugin: m.plugin, file: src.file });
      } catch {
        // a broken built-in shows up in the host's status instead
      }
    }
    return out;
  })();
  return builtins;
}

/** The entries of the raw `plugins:` list. */
export function pluginEntries(data: Record<string, unknown>): PluginEntryRef[] {
  const list = Array.isArray(data.plugins) ? data.plugins : [];
  return list.flatMap((e, index): PluginEntryRef[] => {
    if (typeof e === 'string') return [{ index, ref: e, config: undefined }];
    if (e && typeof e === 'object' && Object.keys(e).length === 1) {
      const [ref, config] = Object.entries(e)[0]!;
      return [{ index, ref, config: config === null || config === true ? undefined : config }];
    }
    return [];
  });
}

/** The entry that stands for plugin `name` (by name, or by the path its status came from). */
export function entryFor(entries: PluginEntryRef[], name: string, status: PluginStatus | undefined, configFile: string): PluginEntryRef | undefined {
  const byName = entries.find((e) => e.ref === name);
  if (byName) return byName;
  const file = status?.source.startsWith('path:') ? status.source.slice(5) : undefined;
  if (!file) return undefined;
  return entries.find((e) => /^[./]|\.(ts|js|mjs)$/.test(e.ref) && (isAbsolute(e.ref) ? e.ref : resolve(dirname(configFile), e.ref)) === file);
}

/** The plugin object behind `name`: the loaded instance, else the built-in module. */
export async function pluginModule(host: PluginHost, name: string): Promise<Plugin<unknown> | undefined> {
  return host.current.instances.find((i) => i.name === name)?.plugin ?? (await builtinPlugins()).get(name)?.plugin;
}

/** JSON Schema (draft-07) of a plugin's valibot config schema, for the dashboard's form. */
export function configJsonSchema(plugin: Plugin<unknown> | undefined): Record<string, unknown> | null {
  if (!plugin?.config) return null;
  try {
    return toJsonSchema(plugin.config as GenericSchema, { errorMode: 'ignore' }) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Every plugin the dashboard should show: loaded, errored and disabled ones from the host's
 * status (hook order), then built-ins that are available but not in use.
 */
export async function listPlugins(host: PluginHost, data: Record<string, unknown>, configFile: string): Promise<PluginView[]> {
  const entries = pluginEntries(data);
  const modules = await builtinPlugins();
  const views: PluginView[] = [];
  const seen = new Set<string>();
  for (const s of host.status()) {
    seen.add(s.name);
    const entry = entryFor(entries, s.name, s, configFile);
    const plugin = host.current.instances.find((i) => i.name === s.name)?.plugin ?? modules.get(s.name)?.plugin;
    views.push(view(s.name, plugin, s, entry));
  }
  for (const [name, m] of modules) if (!seen.has(name)) views.push(view(name, m.plugin, undefined, entryFor(entries, name, undefined, configFile)));
  return views;
}

function view(name: string, plugin: Plugin<unknown> | undefined, s: PluginStatus | undefined, entry: PluginEntryRef | undefined): PluginView {
  const origin = (s?.source.split(':')[0] ?? (plugin ? 'builtin' : 'unknown')) as PluginView['origin'];
  const state: PluginView['state'] = s ? s.state : 'available';
  return {
    name, kind: plugin?.kind ?? s?.kind ?? 'unknown', description: plugin?.description ?? null,
    origin: ['builtin', 'drop-in', 'path'].includes(origin) ? origin : s?.source === 'config' ? 'builtin' : 'unknown',
    source: s && s.source !== 'config' ? s.source : null, state, error: s?.error ?? null, hooks: s?.hooks ?? [], provides: s?.provides ?? [],
    enabled: state === 'active' || state === 'errored', listed: entry !== undefined, position: entry?.index ?? null,
    autoload: Boolean(plugin?.autoload), hasConfig: Boolean(plugin?.config),
    config: entry && entry.config !== false && entry.config !== undefined ? maskConfigTree(entry.config, PLUGIN_MASK_RULES) : null,
  };
}
