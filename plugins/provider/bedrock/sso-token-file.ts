import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The login `aws sso login` caches: `accessToken` with its `expiresAt`, and for an
 * `[sso-session]` login what refreshes it (`refreshToken`, and the client registration
 * `clientId` / `clientSecret` valid until `registrationExpiresAt`). Times in ms.
 */
export interface SsoToken {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: number;
}

/**
 * `~/.aws/sso/cache/<sha1 hex of id>.json`, where `id` is the `[sso-session]` name, or the
 * start URL for a legacy profile (`sso_start_url` in the profile), as the AWS CLI and SDKs name
 * it. Pure.
 */
export function ssoTokenFilePath(home: string, id: string): string {
  const name = new Bun.CryptoHasher('sha1').update(id).digest('hex');
  return join(home, '.aws', 'sso', 'cache', `${name}.json`);
}

/** An RFC 3339 time as the CLI writes it (older versions end in `UTC` instead of `Z`), in ms. */
export function parseAwsTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.trim().replace(/UTC$/, 'Z'));
  return Number.isFinite(ms) ? ms : undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The login in a cache file's JSON: undefined without an access token and a readable `expiresAt`. Pure. */
export function parseSsoToken(json: Record<string, unknown>): SsoToken | undefined {
  const accessToken = text(json.accessToken);
  const expiresAt = parseAwsTime(json.expiresAt);
  if (!accessToken || expiresAt === undefined) return undefined;
  const refreshToken = text(json.refreshToken);
  const clientId = text(json.clientId);
  const clientSecret = text(json.clientSecret);
  const registrationExpiresAt = parseAwsTime(json.registrationExpiresAt);
  return {
    accessToken, expiresAt,
    ...(refreshToken ? { refreshToken } : {}), ...(clientId ? { clientId } : {}), ...(clientSecret ? { clientSecret } : {}),
    ...(registrationExpiresAt !== undefined ? { registrationExpiresAt } : {}),
  };
}

/** The cache file's JSON object; undefined when the file is missing, unreadable or not a JSON object. */
export async function readSsoTokenFile(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? json as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the cache file with `json` atomically: written to a temporary file beside it with
 * mode 0600 (only the owner reads a login), then renamed over it, so the CLI and other tools
 * never read half a file. Errors: the file system's; the temporary file is removed.
 */
export async function writeSsoTokenFile(path: string, json: Record<string, unknown>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await writeFile(temp, JSON.stringify(json, null, 2), { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
