import { errorText } from './plugin-instance.ts';
import { buildPlugin, importBuiltPlugin, pruneBundles, type BuiltPlugin, type LoadedModule, type PluginSource } from './load-plugin-module.ts';

/** A drop-in or path plugin after loading: its module, or why it has none. */
export interface OtherPlugin {
  source: PluginSource;
  module?: LoadedModule;
  loadError?: string;
}

export interface LoadOtherOptions {
  cacheDir: string;
  timeoutMs?: number;
  /** Each entry file's import graph from the last build that succeeded (a failed build has none). */
  previousInputs: ReadonlyMap<string, readonly string[]>;
}

/**
 * Builds every drop-in and path plugin, leaves out the drop-in files that another plugin
 * imports (they are its helpers, not plugins), then imports the rest. A plugin that fails to
 * build still counts its last known imports as helpers, so a syntax error in `util.ts` reports
 * the plugin that imports it, not `util.ts`. Never throws: a failure is the plugin's
 * `loadError`. Returns the plugins in the order given and each one's import graph (entry
 * included), the files whose change should reload it. Bundles of earlier versions are deleted
 * from the cache (see `pruneBundles`).
 */
export async function loadOtherPlugins(
  sources: readonly PluginSource[], o: LoadOtherOptions,
): Promise<{ plugins: OtherPlugin[]; inputs: Map<string, string[]> }> {
  const builds = await Promise.all(sources.map(async (source) => {
    try {
      return { source, built: await buildPlugin(source) };
    } catch (err) {
      return { source, error: errorText(err) };
    }
  }));
  const graphs = new Map<string, string[]>();
  for (const b of builds) graphs.set(b.source.file, b.built?.inputs ?? [...(o.previousInputs.get(b.source.file) ?? [b.source.file])]);
  const helpers = new Set<string>();
  for (const [entry, files] of graphs) for (const f of files) if (f !== entry) helpers.add(f);

  const kept = builds.filter((b) => b.source.origin !== 'drop-in' || !helpers.has(b.source.file));
  const plugins = await Promise.all(kept.map(async (b): Promise<OtherPlugin> => {
    if (!b.built) return { source: b.source, loadError: b.error };
    return importOne(b.source, b.built, o);
  }));
  const inputs = new Map(kept.map((b) => [b.source.file, graphs.get(b.source.file)!]));
  pruneBundles(o.cacheDir, new Set(plugins.flatMap((p) => (p.module ? [p.module.runsFrom] : []))));
  return { plugins, inputs };
}

async function importOne(source: PluginSource, built: BuiltPlugin, o: LoadOtherOptions): Promise<OtherPlugin> {
  try {
    return { source, module: await importBuiltPlugin(source, built, o.cacheDir, o.timeoutMs) };
  } catch (err) {
    return { source, loadError: errorText(err) };
  }
}

