import type { Document, Scalar } from 'yaml';
import { yamlPackage } from './yaml-package.ts';

/** The environment as a plain lookup (process.env, or a map in tests). */
export type Env = Record<string, string | undefined>;

/** Result of interpolating one string. */
export type InterpolatedString =
  | { ok: true; value: string; /** values that came from the environment (not defaults) */ fromEnv: string[] }
  | { ok: false; message: string; /** the variable that is unset, when that is the problem */ unset?: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${NAME}` and `${NAME:-default}` in one string; `$${` writes a literal `${`.
 * The default applies when the variable is unset or empty, as in POSIX shells. An unset
 * variable without a default is an error that names the variable, never a value.
 */
export function interpolateString(input: string, env: Env): InterpolatedString {
  if (!input.includes('${')) return { ok: true, value: input, fromEnv: [] };
  let out = '';
  const fromEnv: string[] = [];
  let i = 0;
  while (i < input.length) {
    const start = input.indexOf('${', i);
    if (start < 0) {
      out += input.slice(i);
      break;
    }
    if (start > i && input[start - 1] === '$') {
      out += input.slice(i, start - 1) + '${';
      i = start + 2;
      continue;
    }
    const end = input.indexOf('}', start + 2);
    if (end < 0) return { ok: false, message: 'unterminated "${" (write "$${" for a literal "${")' };
    const body = input.slice(start + 2, end);
    // `${A:-${B}}` would end at the first `}` and use the literal `${B` as A's default.
    if (body.includes('${')) return { ok: false, message: 'a default cannot hold another ${…} reference' };
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    // The text is not echoed: a malformed reference may be a pasted secret.
    if (!NAME.test(name)) return { ok: false, message: 'invalid variable reference (expected ${NAME} or ${NAME:-default})' };
    const value = env[name];
    if (value !== undefined && value !== '') {
      out += input.slice(i, start) + value;
      fromEnv.push(value);
    } else if (sep >= 0) {
      out += input.slice(i, start) + body.slice(sep + 2);
    } else {
      return { ok: false, message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)`, unset: name };
    }
    i = end + 1;
  }
  return { ok: true, value: out, fromEnv };
}

/** A single whole-value reference, like `${PORT}` or `${PORT:-8080}`. */
const WHOLE_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;

/**
 * For an unquoted scalar that is exactly one reference (`port: ${PORT}`), the expanded text
 * gets the type YAML would give it (number, boolean, null); quoted scalars stay strings.
 */
function typedValue(node: Scalar, source: string, value: string): unknown {
  return node.type === 'PLAIN' && WHOLE_REF.test(source) ? typedText(value) : value;
}

/** The YAML type of an expanded whole reference: number, boolean, null, or the text. */
function typedText(value: string): unknown {
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  if (value === 'null' || value === '~') return null;
  return value;
}

/** Outcome of interpolating a whole document. */
export type InterpolationResult =
  | { ok: true; secrets: string[] }
  | { ok: false; message: string; /** source offsets of the failing scalar */ range?: [number, number] };

/**
 * Expands references in every string value of a parsed YAML document, in place. Runs after
 * parsing, so an expanded value is never re-read as YAML syntax (quotes, colons and `#` in a
 * secret are safe). Map keys are left alone. Returns the values that came from the
 * environment, so the logger can redact them. Stops at the first bad reference, except that
 * unset variables are all named (located at the first), so one run lists every one to set.
 */
export function interpolateDocument(doc: Document, env: Env): InterpolationResult {
  const { visit } = yamlPackage();
  const secrets = new Set<string>();
  let failure: Extract<InterpolationResult, { ok: false }> | undefined;
  const unset: string[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return;
      const source = node.value;
      const r = interpolateString(source, env);
      if (!r.ok) {
        if (r.unset && unset.includes(r.unset)) return;
        if (r.unset) unset.push(r.unset);
        if (!failure) failure = { ok: false, message: r.message, ...(node.range ? { range: [node.range[0], node.range[1]] } : {}) };
        return r.unset ? undefined : visit.BREAK;
      }
      if (r.value === source) return;
      node.value = typedValue(node, source, r.value);
      // A value YAML would type as a number or boolean is configuration, not a secret.
      if (typeof node.value === 'string') for (const s of r.fromEnv) secrets.add(s);
    },
  });
  if (failure && unset.length > 1) failure.message += `; also not set: ${unset.slice(1).join(', ')}`;
  return failure ?? { ok: true, secrets: [...secrets] };
}

/**
 * `interpolateDocument` for a tree from Bun's native parser, in place. That tree no longer
 * says whether a scalar was quoted, so a whole reference whose value YAML would type (a
 * number, boolean or null) cannot be decided here; neither can a bad reference be located.
 * Both answer `undefined`: the caller then reads the text with the `yaml` package.
 */
export function interpolateTree(root: unknown, env: Env): { secrets: string[] } | undefined {
  const secrets = new Set<string>();
  const expand = (value: string): string | undefined => {
    const r = interpolateString(value, env);
    if (!r.ok || (WHOLE_REF.test(value) && typeof typedText(r.value) !== 'string')) return undefined;
    for (const s of r.fromEnv) secrets.add(s);
    return r.value;
  };
  const walk = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null) return true;
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? [...node.entries()] : Object.entries(node);
    for (const [k, v] of entries) {
      if (typeof v !== 'string') {
        if (!walk(v)) return false;
        continue;
      }
      if (!v.includes('${')) continue;
      const out = expand(v);
      if (out === undefined) return false;
      (node as Record<string | number, unknown>)[k] = out;
    }
    return true;
  };
  return walk(root) ? { secrets: [...secrets] } : undefined;
}
