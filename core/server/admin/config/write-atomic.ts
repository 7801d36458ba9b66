import { chmodSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { followSymlinks } from '../../../util/follow-symlinks.ts';

/**
 * Replaces a file's content atomically: writes a temp file in the same folder and renames it
 * over the file. When `file` is a symlink (a dotfiles manager's link), the write goes to the
 * file the link points at, so the link stays a link; a dangling link gets its target created.
 * The result keeps the mode of the file it replaces (0600 for a new file), unless `forceMode`.
 * Throws when the folder is not writable (the temp file is removed then), or when the links loop.
 */
export function writeAtomic(file: string, text: string, forceMode?: number): void {
  const target = followSymlinks(file).target;
  if (target === undefined) throw new Error(`${file}: too many levels of symbolic links`);
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
