import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { followSymlinks } from '../util/follow-symlinks.ts';

/** Folders to watch, each with the names in it that count as a change. */
export type FolderTargets = ReadonlyMap<string, (name: string) => boolean>;

/** A changing set of watched folders sharing one debounced callback. See `watchFolders`. */
export interface FolderSetWatch {
  /** Watches exactly these folders from now on. Returns the folders that could not be watched (missing). */
  set(targets: FolderTargets): string[];
  close(): void;
}

/**
 * Watches several folders (each with its own name filter) and calls `onChange` once per burst
 * of changes in any of them, `debounceMs` after the last. `set` swaps the set: folders no longer
 * wanted are closed, new ones opened; a folder that cannot be watched is skipped until the next
 * `set`. A watcher that fails later (its folder deleted) goes to `onError` and is reopened by
 * the next `set`.
 */
export function watchFolders(onChange: () => void, debounceMs = 150, onError?: (error: Error) => void): FolderSetWatch {
  const open = new Map<string, { close(): void; filter: (name: string) => boolean }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    if (!closed) onChange();
  };
  const drop = (dir: string) => {
    open.get(dir)?.close();
    open.delete(dir);
  };
  return {
    set(targets) {
      if (closed) return [];
      for (const dir of [...open.keys()]) if (!targets.has(dir)) drop(dir);
      const failed: string[] = [];
      for (const [dir, filter] of targets) {
        const known = open.get(dir);
        if (known) {
          known.filter = filter;
          continue;
        }
        try {
          const entry = { filter, close: () => watcher.close() };
          const watcher = watch(dir, (_event, filename) => {
            if (closed || !entry.filter(filename == null ? '' : String(filename))) return;
            if (timer) clearTimeout(timer);
            timer = setTimeout(fire, debounceMs);
          });
          watcher.on('error', (e: Error) => {
            drop(dir);
            onError?.(e);
          });
          open.set(dir, entry);
        } catch {
          failed.push(dir);
        }
      }
      return failed;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const dir of [...open.keys()]) drop(dir);
    },
  };
}

/**
 * Calls `onChange` (debounced, default 150 ms) when the config file is written, replaced by a
 * rename, or deleted. Kubernetes ConfigMap mounts swap a `..data` symlink instead of touching
 * the file, so that name counts as a change too. When the file is a symlink (a dotfiles
 * manager's link), the folder of every link on the way and of the final target are watched as
 * well, so an edit of the target reloads; after each change the links are followed again, so
 * a link pointed elsewhere is followed. The caller reloads and validates; a spurious call is
 * harmless. Returns a disposer. Throws synchronously when the file's folder does not exist.
 */
export function watchConfig(file: string, onChange: () => void, opts: { debounceMs?: number; onError?: (error: Error) => void } = {}): () => void {
  const path = resolve(file);
  const folders = watchFolders(() => {
    folders.set(configTargets(path));
    onChange();
  }, opts.debounceMs ?? 150, opts.onError);
  if (folders.set(configTargets(path)).includes(dirname(path))) {
    folders.close();
    throw new Error(`cannot watch ${dirname(path)}`);
  }
  return () => folders.close();
}

/** The folders to watch for a config file: its own, and those of the links it goes through. */
export function configTargets(path: string): FolderTargets {
  const names = new Map<string, Set<string>>([[dirname(path), new Set([basename(path), '..data', ''])]]);
  const add = (file: string) => {
    const set = names.get(dirname(file)) ?? new Set<string>();
    set.add(basename(file)).add('');
    names.set(dirname(file), set);
  };
  // Every link on the way, then the real file (also past a linked folder: ~/.config/switchyard
  // -> dotfiles). A dangling link's chain ends where its file will show up; that folder is watched.
  const { hops, target } = followSymlinks(path);
  for (const file of hops) add(file);
  if (target !== undefined) add(target);
  return new Map([...names].map(([dir, set]) => [dir, (n: string) => set.has(n)]));
}
