import { isCredentialHeader } from '../../../log/redact.ts';

/**
 * A secret shown safely: `***` plus its last four characters when it is long enough that those
 * four reveal nothing useful (`sk-…` keys); a scheme such as `Bearer ` is kept.
 */
export function maskSecret(value: string): string {
  const m = /^(\w+\s+)(.+)$/.exec(value);
  const [scheme, secret] = m && /^(bearer|basic|token)\s+$/i.test(m[1]!) ? [m[1]!, m[2]!] : ['', value];
  const tail = secret.length >= 16 ? secret.slice(-4) : '';
  return `${scheme}***${tail}`;
}

/**
 * Headers as a plain object with credential values masked: by name (`authorization`, `x-api-key`,
 * anything with token/secret/key), and, through `redact` (the gateway's registered secrets),
 * a key sent under any other name (a provider's custom `auth.header`).
 */
export function maskHeaders(headers: Headers | Record<string, string> | undefined, redact: (text: string) => string = (t) => t): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers ?? {});
  for (const [k, v] of entries) out[k.toLowerCase()] = isCredentialHeader(k) ? maskSecret(v) : redact(v);
  return out;
}

/** A key for display: its first 3 and last 4 characters (`sk-…abcd`), or `***` when short. */
export function keyHint(secret: string): string {
  return secret.length >= 16 ? `${secret.slice(0, 3)}…${secret.slice(-4)}` : '***';
}
