import { chmodSync, lstatSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Replaces a file's content atomically: writes a temp file in the same folder and renames it
 * over the file. When `file` is a symlink (a dotfiles manager's link), the write goes to the
 * file the link points at, so the link stays a link; a dangling link gets its target created.
 * The result keeps the mode of the file it replaces (0600 for a new file), unless `forceMode`.
 * Throws when the folder is not writable; the temp file is removed then.
 */
export function writeAtomic(file: string, text: string, forceMode?: number): void {
  const target = linkTarget(file);
  let mode = forceMode ?? 0o600;
  if (forceMode === undefined) {
    try {
      mode = statSync(target).mode & 0o777;
    } catch {
      // a new file
    }
  }
  const tmp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean
    }
    throw e;
  }
}

/** The path a write to `file` should replace: the end of its symlink chain, or `file` itself. */
function linkTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    // missing, or a dangling link: follow the links by hand to the file to create
  }
  let at = resolve(file);
  for (let hop = 0; hop < 40; hop++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
      at = resolve(dirname(at), readlinkSync(at));
    } catch {
      return at;
    }
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}
