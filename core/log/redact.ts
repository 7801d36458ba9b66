/**
 * Secret redaction for logs, debug bodies and anything else that leaves the process as text.
 * Two layers: the exact values registered as secrets (provider keys, tokens from config and the
 * database; at least 8 characters), and patterns for well-known credential shapes that were
 * never registered (a key pasted in a request, a header echoed by an upstream).
 */

/** Replacement of a redacted value. */
export const REDACTED = '***';

/** Registered secrets shorter than this are ignored (they would mangle ordinary words). */
export const MIN_SECRET_LENGTH = 8;

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  [/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, 'Basic ***'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***'],
  [/\bsy-[A-Za-z0-9]{8,}/g, 'sy-***'],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, 'AIza***'],
  [/\bya29\.[0-9A-Za-z._-]{8,}/g, 'ya29.***'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, 'gh_***'],
  // `x-api-key: v`, `"x-goog-api-key":"v"`, `api_key=v` (headers, JSON, form and query strings)
  [/((?:x-api-key|x-goog-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|client[-_]?secret|password)["']?\s*[:=]\s*["']?)(?!\*\*\*)[^\s"',;&}]+/gi, '$1***'],
  [/([?&](?:key|token|sig|signature)=)[^&\s"'#]+/gi, '$1***'],
];

/** The password of a URL's userinfo (`scheme://user:password@host`), anywhere in a text. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)([^\s/?#@]+)@/gi;

/**
 * `text` with the password of every URL in it replaced by `***` (`redis://:pw@host`, a base URL
 * or proxy with `user:password@`, which the HTTP client sends as Basic auth). A `${ENV}`
 * reference in its place is a name and stays.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (whole, head: string, pass: string) => (pass.startsWith('${') ? whole : `${head}***@`));
}

/**
 * A query parameter whose value is a credential, by its name: `key`, `api_key`, `apiKey`,
 * `access_token`, `x-amz-signature`, `sig`, `client_secret`, `password`… (not `monkey`: a name
 * ends in one of these words after a separator or a known prefix). A `${ENV}` value is a name.
 */
const QUERY_SECRET = /([?&](?:[\w.-]*[_.-]|api|access|auth|client|refresh|session)?(?:key|token|secret|sig|signature|password|passwd|credentials?)=)(?!\$\{)[^&#\s"']+/gi;

/**
 * `text` with every URL password and every credential-named query value masked
 * (`https://u:***@host/v1?api_key=***&region=eu`): how the admin API shows a URL it found in a
 * config value.
 */
export function maskUrlSecrets(text: string): string {
  return maskUrlPasswords(text).replace(QUERY_SECRET, '$1***');
}

/** Header names whose values are credentials: the standard ones and any naming a key, token, secret, password or cookie. */
const CREDENTIAL_HEADER = /authorization|cookie|token|secret|password|key/i;

/** True when a header of this name carries a credential (`Authorization`, `x-api-key`, `X-Relay-Token`…). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** Cheap pre-check: a string none of the patterns could match skips them all. */
const MAYBE_CREDENTIAL = /sk-|sy-|bearer|basic|aiza|ya29\.|gh[pousr]_|api[-_]?key|token|secret|password|[?&](?:key|sig)|:\/\/[^\s/]*@/i;

/** Field names whose values are always redacted, whatever they look like. */
const SENSITIVE_KEY =
  /^(?:authorization|proxy-authorization|x-api-key|x-goog-api-key|api[-_]?key|password|passwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|id[-_]?token|cookie|set-cookie|private[-_]?key)$/i;

const MAX_DEPTH = 8;
const MAX_ARRAY = 100;

/** Replaces credential-shaped substrings (no registered secrets needed). */
export function redactPatterns(text: string): string {
  if (!MAYBE_CREDENTIAL.test(text)) return text;
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return maskUrlPasswords(out);
}

/** Holds the registered secrets and redacts strings and structured values against them. */
export interface Redactor {
  /** Replaces the registered secrets (config reload). Values shorter than 8 are ignored. */
  setSecrets(values: Iterable<string>): void;
  /** A string with every secret and credential pattern replaced. */
  string(text: string): string;
  /**
   * A JSON-safe copy of `value` with strings (and object keys) redacted, sensitive field names
   * masked, Errors reduced to name/message/code (never a stack), cycles and depth cut.
   */
  value(value: unknown): unknown;
}

/**
 * A secret as it may appear in text: as it is, inside a JSON string (`"` and `\` escaped, and
 * `/` as `\/` by encoders that escape it, PHP's among them) and URL-encoded. An upstream that
 * echoes a key in its JSON error body, or a log line quoting a URL, must not slip a key with
 * `/`, `+` or `=` (base64 secrets) past an exact match.
 */
function writtenForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret)])];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Creates a redactor, optionally with an initial list of secrets. */
export function createRedactor(initial: Iterable<string> = []): Redactor {
  let secretRe: RegExp | undefined;

  function setSecrets(values: Iterable<string>): void {
    const unique = new Set<string>();
    for (const v of values) if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) for (const f of writtenForms(v)) unique.add(f);
    // Longest first, so a secret that contains another is replaced whole.
    const sorted = [...unique].sort((a, b) => b.length - a.length);
    secretRe = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  function string(text: string): string {
    const out = secretRe && text.length >= MIN_SECRET_LENGTH ? text.replace(secretRe, REDACTED) : text;
    return redactPatterns(out);
  }

  function walk(v: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof v === 'string') return string(v);
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (v === undefined) return undefined;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return `[${typeof v}]`;
    if (typeof v !== 'object') return String(v);
    if (seen.has(v)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Object]';
    seen.add(v);
    try {
      return walkObject(v, depth, seen);
    } finally {
      seen.delete(v);
    }
  }

  function walkObject(v: object, depth: number, seen: WeakSet<object>): unknown {
    if (v instanceof Error) return errorFields(v, depth, seen);
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v instanceof URL) return string(v.href);
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[bytes ${v.byteLength}]`;
    if (Array.isArray(v)) {
      const out = v.slice(0, MAX_ARRAY).map((x) => walk(x, depth + 1, seen));
      if (v.length > MAX_ARRAY) out.push(`[+${v.length - MAX_ARRAY} more]`);
      return out;
    }
    const entries: Iterable<[unknown, unknown]> =
      v instanceof Map || v instanceof Headers ? (v as Map<unknown, unknown>).entries() : Object.entries(v);
    const out: Record<string, unknown> = {};
    for (const [k, val] of entries) {
      const key = string(String(k));
      out[key] = SENSITIVE_KEY.test(key) && val !== null && val !== undefined && val !== '' ? REDACTED : walk(val, depth + 1, seen);
    }
    return out;
  }

  function errorFields(e: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = { name: e.name, message: string(e.message) };
    const extra = e as Error & { code?: unknown; status?: unknown; cause?: unknown };
    if (typeof extra.code === 'string' || typeof extra.code === 'number') out.code = extra.code;
    if (typeof extra.status === 'number') out.status = extra.status;
    if (extra.cause !== undefined) out.cause = walk(extra.cause, depth + 1, seen);
    return out;
  }

  setSecrets(initial);
  return { setSecrets, string, value: (v) => walk(v, 0, new WeakSet()) };
}
