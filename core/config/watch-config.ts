import { lstatSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { followSymlinks } from '../util/follow-symlinks.ts';

/** In a `WatchTargets` map: the path is a file, watched itself rather than through its folder. */
export const THE_FILE = 'the file';

/**
 * Paths to watch: a folder, with the names in it that count as a change, or a file itself
 * (`THE_FILE`: any change to it counts).
 */
export type WatchTargets = ReadonlyMap<string, ((name: string) => boolean) | typeof THE_FILE>;

/** A changing set of watched folders and files sharing one debounced callback. See `watchPaths`. */
export interface PathSetWatch {
  /** Watches exactly these paths from now on. Returns the ones that could not be watched (missing). */
  set(targets: WatchTargets): string[];
  close(): void;
}

/**
 * Watches several folders (each with its own name filter) and files, and calls `onChange` once
 * per burst of changes in any of them, `debounceMs` after the last. `set` swaps the set: paths
 * no longer wanted are closed, new ones opened; a path that cannot be watched is skipped until
 * the next `set`. A file is watched anew by every `set` (a rename-save put a new file at its
 * path; the old watch sees nothing more). A watcher that fails later (its folder deleted) goes
 * to `onError` and is reopened by the next `set`.
 */
export function watchPaths(onChange: () => void, debounceMs = 150, onError?: (error: Error) => void): PathSetWatch {
  const open = new Map<string, { close(): void; filter: ((name: string) => boolean) | typeof THE_FILE }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    if (!closed) onChange();
  };
  const drop = (path: string) => {
    open.get(path)?.close();
    open.delete(path);
  };
  return {
    set(targets) {
      if (closed) return [];
      for (const path of [...open.keys()]) if (!targets.has(path)) drop(path);
      const failed: string[] = [];
      for (const [path, filter] of targets) {
        const known = open.get(path);
        if (known && filter !== THE_FILE && known.filter !== THE_FILE) {
          known.filter = filter;
          continue;
        }
        if (known) drop(path);
        try {
          const entry = { filter, close: () => watcher.close() };
          const watcher = watch(path, (_event, filename) => {
            if (closed) return;
            if (entry.filter !== THE_FILE && !entry.filter(filename == null ? '' : String(filename))) return;
            if (timer) clearTimeout(timer);
            timer = setTimeout(fire, debounceMs);
          });
          watcher.on('error', (e: Error) => {
            drop(path);
            onError?.(e);
          });
          open.set(path, entry);
        } catch {
          failed.push(path);
        }
      }
      return failed;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const path of [...open.keys()]) drop(path);
    },
  };
}

/**
 * Calls `onChange` (debounced, default 150 ms) when the config file is written, replaced by a
 * rename, or deleted. A regular file is watched itself, not its folder: the config's folder is
 * usually the data dir, where SQLite writes its WAL page by page, and a folder watch woke the
 * gateway for each of those writes (~1,300 a second under load). Its watch is opened anew after
 * every change (a rename-save leaves the old one on a file that is gone). A name that is missing
 * or is a symlink is watched through its folder: for a file that is yet to appear, for
 * Kubernetes ConfigMap mounts (they swap a `..data` symlink, which counts too), and for a
 * dotfiles manager's link, whose folder, and that of every link on the way, is watched so that
 * pointing the link elsewhere is seen; the final target, a file, is watched itself. After each
 * change the links are followed again. The caller reloads and validates; a spurious call is
 * harmless. Returns a disposer. Throws synchronously when the file's folder does not exist.
 */
export function watchConfig(file: string, onChange: () => void, opts: { debounceMs?: number; onError?: (error: Error) => void } = {}): () => void {
  const path = resolve(file);
  const arm = (): boolean => {
    let failed = watches.set(configTargets(path));
    // A file that vanished between the look and the watch is watched through its folder on the second try.
    if (failed.length > 0) failed = watches.set(configTargets(path));
    return failed.includes(dirname(path));
  };
  const watches = watchPaths(() => {
    arm();
    onChange();
  }, opts.debounceMs ?? 150, opts.onError);
  if (arm()) {
    watches.close();
    throw new Error(`cannot watch ${dirname(path)}`);
  }
  return () => watches.close();
}

/**
 * What to watch for a config file: the file itself when it is a regular file, else its folder
 * for its name; the same for each link on the way and the final target.
 */
export function configTargets(path: string): WatchTargets {
  const targets = new Map<string, ((name: string) => boolean) | typeof THE_FILE>();
  const names = new Map<string, Set<string>>();
  const add = (file: string, extra: string[] = []) => {
    if (isRegularFile(file)) {
      targets.set(file, THE_FILE);
      return;
    }
    const set = names.get(dirname(file)) ?? new Set<string>();
    for (const n of [basename(file), '', ...extra]) set.add(n);
    names.set(dirname(file), set);
  };
  add(path, ['..data']);
  // Every link on the way, then the real file (also past a linked folder: ~/.config/switchyard
  // -> dotfiles). A dangling link's chain ends where its file will show up; that folder is watched.
  const { hops, target } = followSymlinks(path);
  for (const file of hops) add(file);
  if (target !== undefined) add(target);
  for (const [dir, set] of names) targets.set(dir, (n: string) => set.has(n));
  return targets;
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
