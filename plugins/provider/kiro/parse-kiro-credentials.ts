import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TokenSet } from '../../../core/oauth/oauth-types.ts';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** `expiresAt` as Kiro writes it (ISO text), or epoch s / ms. */
function expiryOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** The AWS client registration an Identity Center / Builder ID token was issued to. */
function readClient(o: Record<string, unknown>, file: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const clientId = str(o.clientId);
  const clientSecret = str(o.clientSecret);
  if (clientId && clientSecret) return { clientId, clientSecret };
  const hash = str(o.clientIdHash);
  if (!hash || !file || !/^[A-Za-z0-9_-]+$/.test(hash)) return undefined;
  try {
    const reg = JSON.parse(readFileSync(join(dirname(file), `${hash}.json`), 'utf8')) as Record<string, unknown>;
    const id = str(reg.clientId);
    const secret = str(reg.clientSecret);
    return id && secret ? { clientId: id, clientSecret: secret } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kiro's credential cache, `~/.aws/sso/cache/kiro-auth-token.json`:
 * `{ accessToken, refreshToken, expiresAt (ISO), authMethod: "social" | "IdC", provider:
 * "Google" | "Github" | "BuilderId" | "Enterprise", profileArn?, region?, clientIdHash? }`.
 * A social login refreshes at the Kiro auth service; an AWS (Builder ID / Identity Center)
 * login needs the client it was issued to, which Kiro keeps beside the file as
 * `<clientIdHash>.json` (`{ clientId, clientSecret, expiresAt }`) or inline.
 *
 * Errors: an Error naming what is missing (never a value from the file).
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/kiro/aws.go (file layout as the public proxies read it)
 */
export function parseKiroCredentials(json: unknown, file?: string): { tokens: TokenSet } {
  const o = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const accessToken = str(o?.accessToken);
  const refreshToken = str(o?.refreshToken);
  if (!o || !refreshToken) throw new Error('no refreshToken in the file');
  const social = /^social$/i.test(str(o.authMethod) ?? '') || /^(google|github)$/i.test(str(o.provider) ?? '');
  const extra: Record<string, string> = { authMethod: social ? 'social' : 'idc' };
  for (const k of ['profileArn', 'region', 'provider'] as const) {
    const v = str(o[k]);
    if (v) extra[k] = v;
  }
  if (!social) {
    const client = readClient(o, file);
    if (!client) throw new Error('an AWS (Builder ID / Identity Center) login needs its client registration (<clientIdHash>.json beside the file), which was not found');
    Object.assign(extra, client);
  }
  const expiresAt = expiryOf(o.expiresAt);
  return {
    tokens: {
      // Without an access token the first request refreshes at once (expiry 0).
      accessToken: accessToken ?? '',
      refreshToken,
      expiresAt: accessToken ? expiresAt ?? 0 : 0,
      extra,
    },
  };
}
