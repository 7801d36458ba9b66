import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fallbackName, findBuiltinPlugins, findDropIns, loadPluginModule } from '../plugin/load-plugin-module.ts';
import { looksLikePath, parseEntries } from '../plugin/plugin-host.ts';
import { parsePluginConfig, unknownSettings } from '../plugin/plugin-instance.ts';
import type { Plugin } from '../plugin/types.ts';
import { expandHome } from '../util/expand-home.ts';
import { isModelGlob } from '../util/model-glob.ts';
import { formatConfigError, formatPlace, loadConfig, positionOf } from './load-config.ts';

/** What `switchyard check` prints and returns. */
export interface CheckOutcome {
  ok: boolean;
  lines: string[];
}

/**
 * `switchyard check`: validates a config file as the gateway would load it (YAML, `${ENV}`
 * variables, schema, references, providers) and each listed built-in plugin's settings against
 * that plugin's schema, without starting anything; settings a plugin does not know are reported
 * too (the gateway ignores them). Drop-in plugin files are only checked to exist: their code is
 * not run. A listed name that is not a built-in passes when `dropInDir` holds a file of that
 * name (`stamp` → `stamp.ts`, `.js` or `.mjs`, or `stamp/plugin.ts`). Never throws.
 */
export async function checkConfigFile(
  configFile: string, env: Record<string, string | undefined> = process.env, dropInDir?: string,
): Promise<CheckOutcome> {
  const loaded = await loadConfig(configFile, env);
  if (!loaded.ok) return { ok: false, lines: [formatConfigError(loaded.error)] };
  const config = loaded.config;
  const problems: string[] = [];
  /** `file:line:col` of the i-th plugin entry. */
  const at = (i: number) => formatPlace({ file: configFile, ...positionOf(loaded.raw, ['plugins', i]) });
  const builtins = new Map<string, Plugin<unknown>>();
  for (const src of findBuiltinPlugins()) {
    try {
      const m = await loadPluginModule(src, '');
      builtins.set(m.plugin.name, m.plugin);
    } catch {
      // A built-in that does not load is reported by the running gateway; here it is unknown.
    }
  }
  // The drop-in folder is read once, not once per listed name.
  const dropInNames = new Set(dropInDir ? findDropIns(dropInDir).map(fallbackName) : []);
  const plugins: string[] = [];
  for (const [i, e] of parseEntries(config.plugins).entries()) {
    if (e.config === false) {
      plugins.push(`${e.ref} (off)`);
      continue;
    }
    if (looksLikePath(e.ref)) {
      const file = resolve(dirname(configFile), expandHome(e.ref));
      if (existsSync(file)) plugins.push(`${e.ref} (drop-in, not run)`);
      else problems.push(`${at(i)}: plugins[${i}]: no file ${file}`);
      continue;
    }
    const plugin = builtins.get(e.ref);
    if (!plugin && dropInNames.has(e.ref)) {
      plugins.push(`${e.ref} (drop-in, not run)`);
      continue;
    }
    if (!plugin) {
      problems.push(`${at(i)}: plugins[${i}]: no built-in plugin named "${e.ref}", and no drop-in file ${e.ref}.ts in ${dropInDir ?? '<data-dir>/plugins'}`);
      continue;
    }
    const settings = e.config === true || e.config === null ? undefined : e.config;
    try {
      parsePluginConfig(plugin, e.ref, settings);
    } catch (err) {
      problems.push(`${at(i)}: plugins[${i}]: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const { unknown, known } = unknownSettings(plugin, settings);
    if (unknown.length > 0) {
      problems.push(`${at(i)}: plugins[${i}]: plugin ${e.ref}: unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${known.join(', ')})`);
      continue;
    }
    plugins.push(e.ref);
  }
  if (problems.length > 0) return { ok: false, lines: problems };
  const aliases = Object.keys(config.aliases);
  const globs = aliases.filter(isModelGlob).length;
  return {
    ok: true,
    lines: [
      `${configFile} is valid`,
      `  providers: ${Object.keys(config.providers).join(', ') || 'none'}`,
      `  aliases: ${aliases.length}${globs ? ` (${globs} glob${globs === 1 ? '' : 's'})` : ''}; combos: ${Object.keys(config.combos).join(', ') || 'none'}`,
      `  plugins: ${plugins.join(', ') || 'none listed (the built-in defaults load)'}`,
    ],
  };
}
