import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { expandHome } from '../../../core/util/expand-home.ts';
import { parseAwsIni, type AwsIniSection } from './parse-aws-ini.ts';

/** Environment variables as the gateway sees them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One shared file: where it is, and how messages name it (never the home folder's path). */
export interface AwsSharedFile {
  path: string;
  shown: string;
}

/**
 * The AWS shared credentials and config files, found as the AWS SDKs and CLI find them:
 * `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` when set (a leading `~/` is the home
 * folder), else `~/.aws/credentials` and `~/.aws/config`, the home folder being `HOME`, else
 * `USERPROFILE`, else the OS's. Pure.
 */
export function awsSharedFiles(env: Env): { credentials: AwsSharedFile; config: AwsSharedFile } {
  const home = awsHomeDir(env);
  const at = (name: string, fallback: string): AwsSharedFile => {
    const set = env[name];
    if (!set) return { path: join(home, '.aws', fallback), shown: `~/.aws/${fallback}` };
    return { path: expandHome(set, home), shown: `$${name}` };
  };
  return { credentials: at('AWS_SHARED_CREDENTIALS_FILE', 'credentials'), config: at('AWS_CONFIG_FILE', 'config') };
}

/** The home folder as the AWS SDKs find it: `HOME`, else `USERPROFILE`, else the OS's. Pure. */
export function awsHomeDir(env: Env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** A parsed file, and the stat that tells whether it changed since. */
interface Cached {
  stamp: string;
  sections: Map<string, AwsIniSection>;
}

/** The file system calls the reader makes (tests count them). */
export interface IniFileSystem {
  stat(path: string): Promise<{ mtimeMs: number; size: number; ino: number }>;
  readText(path: string): Promise<string>;
}

const NODE_FS: IniFileSystem = { stat, readText: (path) => readFile(path, 'utf8') };

/**
 * A reader of AWS INI files that parses a file again only when it changed: each call stats
 * the file and compares its modification time, size and inode (a rename over it, as tools that
 * write the file atomically do, changes the inode) with the parsed copy's. So keys rotated into
 * the file (`aws configure set`, a tool that syncs SSO or role credentials) apply from the next
 * request, without a restart, and an unchanged file costs one `stat`.
 *
 * The returned function resolves with the file's sections, or undefined when the file does not
 * exist. Errors: GW_UPSTREAM_AUTH (502, retryable) when it exists but cannot be read (a
 * permission, a folder); the message names the file as `shown`, never its content.
 */
export function createIniFileReader(fs: IniFileSystem = NODE_FS) {
  const cache = new Map<string, Cached>();
  return async (file: AwsSharedFile): Promise<Map<string, AwsIniSection> | undefined> => {
    try {
      const st = await fs.stat(file.path);
      const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
      const hit = cache.get(file.path);
      if (hit?.stamp === stamp) return hit.sections;
      const sections = parseAwsIni(await fs.readText(file.path));
      cache.set(file.path, { stamp, sections });
      return sections;
    } catch (e) {
      cache.delete(file.path);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new GatewayError('GW_UPSTREAM_AUTH', `The AWS shared file ${file.shown} cannot be read (${code ?? 'error'}).`, { status: 502, retryable: true });
    }
  };
}

/** Reads one AWS INI file (see `createIniFileReader`). */
export type IniFileReader = ReturnType<typeof createIniFileReader>;
