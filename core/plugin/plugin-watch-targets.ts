import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { WatchTargets } from '../config/watch-config.ts';
import { FOLDER_ENTRY, isDropInName, isFolder, SCRIPT } from './load-plugin-module.ts';

/**
 * What to watch so that plugin code changes reload: the drop-in folder (a new or removed
 * script file or sub-folder), each plugin sub-folder (its `plugin.ts` appearing), and the folder
 * of every file in a plugin's import graph (`sourceFiles`, from the last reload), inside the
 * drop-in folder or not, for exactly those names. Watching folders rather than files keeps
 * editors' rename-saves visible.
 */
export function pluginWatchTargets(dropInDir: string, sourceFiles: Iterable<string>): WatchTargets {
  const names = new Map<string, Set<string>>();
  const tests = new Map<string, (name: string) => boolean>();
  const subs = subFolders(dropInDir);
  const known = new Set(subs.map((s) => basename(s)));
  tests.set(dropInDir, (n) => SCRIPT.test(n) || known.has(n) || isFolder(join(dropInDir, n)));
  for (const sub of subs) tests.set(sub, (n) => FOLDER_ENTRY.test(n));
  for (const file of sourceFiles) {
    const set = names.get(dirname(file)) ?? new Set<string>();
    names.set(dirname(file), set.add(basename(file)));
  }
  const out = new Map<string, (name: string) => boolean>();
  for (const dir of new Set([...tests.keys(), ...names.keys()])) {
    const test = tests.get(dir);
    const set = names.get(dir);
    out.set(dir, (n) => Boolean(test?.(n) || set?.has(n)));
  }
  return out;
}

function subFolders(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter(isDropInName)
      .map((n) => join(dir, n))
      .filter(isFolder);
  } catch {
    return [];
  }
}
