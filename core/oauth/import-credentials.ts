import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { expandHome } from '../util/expand-home.ts';
import { OAuthError } from './oauth-error.ts';
import type { AccountIdentity, CredentialImporter, TokenSet } from './oauth-types.ts';


/**
 * Reads an official CLI's credential file (`~/.claude/.credentials.json`, `~/.codex/auth.json`,
 * `~/.gemini/oauth_creds.json`…) and returns the tokens in it. The path is, in order: `path`
 * (from the admin request), the importer's env variable, the file in the folder the official
 * CLI's own variable names (`CODEX_HOME`, `CLAUDE_CONFIG_DIR`), its default.
 *
 * Errors: OAuthError `import_failed` with a message naming the file but never its content.
 */
export function importCredentials(
  importer: CredentialImporter, env: Record<string, string | undefined>, path?: string,
): { tokens: TokenSet; identity?: AccountIdentity; file: string } {
  const home = importer.homeEnv && env[importer.homeEnv.name] ? join(env[importer.homeEnv.name]!, importer.homeEnv.file) : undefined;
  const chosen = path || (importer.pathEnv ? env[importer.pathEnv] : undefined) || home || importer.defaultPath;
  // HOME from `env` first, so tests can point it at a temp folder.
  const file = expandHome(chosen, env.HOME || homedir());
  if (!isAbsolute(file)) throw new OAuthError('import_failed', `the credentials path must be absolute: ${file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OAuthError('import_failed', `no readable credentials file at ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OAuthError('import_failed', `${file} is not valid JSON`);
  }
  try {
    return { ...importer.parse(json, file), file };
  } catch (e) {
    throw new OAuthError('import_failed', `${file}: ${e instanceof Error ? e.message : 'not usable'}`);
  }
}
