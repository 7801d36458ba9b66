import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * `~` → the home folder, `~/x` → `<home>/x`; any other path as it is (`~user/x` too). A shell
 * expands these before a program sees them, but not after `=` (`--data-dir=~/sy`), in a quoted
 * word, an env file, a container's environment or a config file, where a path written so would
 * otherwise name a folder called `~` in the working directory. The home folder is `HOME`, as a
 * shell's, else the OS's.
 */
export function expandHome(path: string, home: string = process.env.HOME || homedir()): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return join(home, path.slice(1));
}
