/** Header names whose values are credentials. */
const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)$|token|secret|key/i;

/** The password of a URL's userinfo (`scheme://user:password@host`), anywhere in a text. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)([^\s/?#@]+)@/gi;

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
 * `text` with the password of every URL in it replaced by `***` (a base URL or proxy with
 * `user:password@`, which the HTTP client sends as Basic auth). A `${ENV}` reference in its
 * place is a name and stays.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (whole, head: string, pass: string) => (pass.startsWith('${') ? whole : `${head}***@`));
}

/**
 * Headers as a plain object with credential values masked: by name (`authorization`, `x-api-key`,
 * anything with token/secret/key), and, through `redact` (the gateway's registered secrets),
 * a key sent under any other name (a provider's custom `auth.header`).
 */
export function maskHeaders(headers: Headers | Record<string, string> | undefined, redact: (text: string) => string = (t) => t): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers ?? {});
  for (const [k, v] of entries) out[k.toLowerCase()] = SECRET_HEADER.test(k) ? maskSecret(v) : redact(v);
  return out;
}

/** A key for display: its first 3 and last 4 characters (`sk-…abcd`), or `***` when short. */
export function keyHint(secret: string): string {
  return secret.length >= 16 ? `${secret.slice(0, 3)}…${secret.slice(-4)}` : '***';
}
