import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** How many links in a row the kernel follows before it reports a loop (Linux's SYMLOOP_MAX). */
const MAX_LINKS = 40;

/** Where a path leads through its symlinks. See `followSymlinks`. */
export interface SymlinkPath {
  /** Each link's target in turn, resolved against the link's folder; empty when the path is no link. */
  hops: string[];
  /**
   * The file the path stands for: its real path when it exists (a linked folder on the way
   * resolved too), else the end of the chain, where a dangling link's file would be created.
   * Undefined when the links loop or are more than the kernel follows.
   */
  target: string | undefined;
}

/**
 * Follows a path through its symlinks (a dotfiles manager's link, a link to a link). Never
 * throws: a path that is missing or cannot be read ends the chain there.
 */
export function followSymlinks(path: string): SymlinkPath {
  const hops: string[] = [];
  let at = resolve(path);
  for (;;) {
    let link: string;
    try {
      if (!lstatSync(at).isSymbolicLink()) break;
      link = readlinkSync(at);
    } catch {
      break; // missing (where a dangling link points) or unreadable
    }
    if (hops.length === MAX_LINKS) return { hops, target: undefined };
    at = resolve(dirname(at), link);
    hops.push(at);
  }
  try {
    return { hops, target: realpathSync(path) };
  } catch {
    return { hops, target: at };
  }
}
