import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchFolderOptions {
  /** Also report changes in sub-folders (names are then relative paths). */
  recursive?: boolean;
  /** Called when the watcher itself fails (folder deleted, too many watches). Default: ignore. */
  onError?: (error: Error) => void;
}

/**
 * Watches a folder and calls `onChange` once per burst of changes, `debounceMs` after the last
 * event, with the names (relative to `dir`) that passed `filter`. Watching the folder rather
 * than a file survives editors that save through a temp file + rename, after which a watch on
 * the file itself goes silent. An event without a name is passed on as `''` when `filter('')`
 * accepts it. Returns a disposer that stops watching and cancels a pending call.
 * Throws synchronously when `dir` does not exist.
 */
export function watchFolder(
  dir: string,
  filter: (name: string) => boolean,
  onChange: (names: string[]) => void,
  debounceMs = 150,
  opts: WatchFolderOptions = {},
): () => void {
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const names = [...pending];
    pending.clear();
    onChange(names);
  };

  const watcher: FSWatcher = watch(dir, { recursive: opts.recursive ?? false }, (_event, filename) => {
    if (closed) return;
    const name = filename == null ? '' : String(filename);
    if (!filter(name)) return;
    pending.add(name);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on('error', (e: Error) => opts.onError?.(e));

  return () => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}

/**
 * Calls `onChange` (debounced, default 150 ms) when the config file is written, replaced by a
 * rename, or deleted. Kubernetes ConfigMap mounts swap a `..data` symlink instead of touching
 * the file, so that name counts as a change too. The caller reloads and validates; a spurious
 * call is harmless. Returns a disposer.
 */
export function watchConfig(file: string, onChange: () => void, opts: { debounceMs?: number; onError?: (error: Error) => void } = {}): () => void {
  const path = resolve(file);
  const name = basename(path);
  return watchFolder(dirname(path), (n) => n === name || n === '..data' || n === '', () => onChange(), opts.debounceMs ?? 150, {
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
}
