import { lookupTable } from '../../../core/util/lookup-table.ts';

/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini accepts in `parameters` and `responseSchema`.
 *
 * Gemini answers 400 INVALID_ARGUMENT ("Unknown name \"additionalProperties\"…", "only
 * 'enum' and 'date-time' are supported for STRING type", "properties: should be non-empty for
 * OBJECT type") for much of what MCP servers and OpenAI clients send. So:
 * - `$ref` is inlined from `$defs` / `definitions` (a recursive reference stops as a plain
 *   `{type: object}`), then every key outside the allow-list is dropped (`$schema`, `$id`,
 *   `$comment`, `additionalProperties`, `patternProperties`, `default`, `examples`, `not`, …);
 * - `type: [t, "null"]` and `anyOf/oneOf` with a null branch become `nullable`;
 *   `oneOf` becomes `anyOf`, `allOf` is merged into one schema;
 * - `const` becomes a one-value `enum`; enums keep only string values (Gemini's rule);
 * - `format` is kept only where Gemini knows it; empty `properties` / `required` go away.
 * Pure; the input is never mutated.
 *
 * @see https://ai.google.dev/api/caching#Schema
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_declarations
 */

type Schema = Record<string, unknown>;

const COPY = ['description', 'title', 'minItems', 'maxItems', 'minimum', 'maximum', 'minLength', 'maxLength', 'minProperties', 'maxProperties'];
const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = lookupTable({
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
});
const MAX_DEPTH = 32;

/** Sanitizes any JSON schema (see above). Non-object input gives `{}`. */
export function sanitizeGeminiSchema(schema: unknown): Schema {
  return sanitize(schema, isObj(schema) ? schema : {}, [], 0);
}

/**
 * For function `parameters`: the sanitized schema, or `undefined` for an object with no
 * properties, which Gemini refuses and which means the same as no parameters at all.
 */
export function sanitizeGeminiParameters(schema: unknown): Schema | undefined {
  const out = sanitizeGeminiSchema(schema);
  if (out.type === 'object' && out.properties === undefined && out.anyOf === undefined) return undefined;
  return Object.keys(out).length === 0 ? undefined : out;
}

function sanitize(input: unknown, root: Schema, refs: string[], depth: number): Schema {
  if (!isObj(input) || depth > MAX_DEPTH) return {};
  let s = input;
  if (typeof s.$ref === 'string') {
    const ref = s.$ref;
    const target = refs.includes(ref) ? undefined : resolveRef(root, ref);
    if (!target) return { type: 'object', ...(typeof s.description === 'string' ? { description: s.description } : {}) };
    const { $ref: _, ...siblings } = s;
    return sanitize({ ...target, ...siblings }, root, [...refs, ref], depth + 1);
  }
  if (Array.isArray(s.allOf)) s = mergeAllOf(s);
  const out: Schema = {};
  let nullable = s.nullable === true;
  const types = (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]).filter((t): t is string => typeof t === 'string');
  if (types.includes('null')) nullable = true;
  const nonNull = types.filter((t) => t !== 'null');
  const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined)?.filter((b) => {
    if (isObj(b) && (b.type === 'null' || (Array.isArray(b.enum) && b.enum.length === 1 && b.enum[0] === null))) {
      nullable = true;
      return false;
    }
    return true;
  });
  if (branches && branches.length === 1 && nonNull.length === 0) {
    const { anyOf: _a, oneOf: _o, type: _t, ...rest } = s;
    const merged = sanitize({ ...(branches[0] as Schema), ...rest }, root, refs, depth + 1);
    if (nullable) merged.nullable = true;
    return merged;
  }
  if (nonNull.length === 1) out.type = nonNull[0];
  else if (nonNull.length > 1) out.anyOf = nonNull.map((t) => sanitize({ ...s, type: t, anyOf: undefined, oneOf: undefined }, root, refs, depth + 1));
  else if (branches && branches.length > 1) out.anyOf = branches.map((b) => sanitize(b, root, refs, depth + 1));
  else if (s.type === 'null') out.type = 'string';
  else if (isObj(s.properties)) out.type = 'object';
  else if (s.items !== undefined) out.type = 'array';
  if (out.anyOf === undefined) copyKeywords(s, out, root, refs, depth);
  else if (typeof s.description === 'string') out.description = s.description;
  if (nullable) out.nullable = true;
  return out;
}

function copyKeywords(s: Schema, out: Schema, root: Schema, refs: string[], depth: number): void {
  for (const k of COPY) {
    const v = s[k];
    if (k === 'description' || k === 'title' ? typeof v === 'string' : typeof v === 'number') out[k] = v;
  }
  const type = typeof out.type === 'string' ? out.type : undefined;
  if (typeof s.format === 'string' && type && FORMATS[type]?.has(s.format)) out.format = s.format;
  const values = s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined;
  if (values) {
    if (values.includes(null)) out.nullable = true;
    const strings = values.filter((x): x is string => typeof x === 'string');
    if (strings.length > 0 && strings.length === values.filter((x) => x !== null).length && (type === undefined || type === 'string')) {
      out.type = 'string';
      out.enum = strings;
    } else if (type === undefined && values.length > 0 && values[0] !== null) {
      const t = typeof values[0];
      if (t === 'number' || t === 'boolean') out.type = Number.isInteger(values[0]) ? 'integer' : t;
    }
  }
  if (isObj(s.properties)) {
    const props: Schema = {};
    for (const [name, p] of Object.entries(s.properties)) props[name] = sanitize(p === true ? {} : p, root, refs, depth + 1);
    if (Object.keys(props).length > 0) {
      out.properties = props;
      const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string' && r in props) : [];
      if (required.length > 0) out.required = [...new Set(required)];
    }
  }
  if (s.items !== undefined) {
    const items = Array.isArray(s.items) ? (s.items.length === 1 ? s.items[0] : { anyOf: s.items }) : s.items;
    out.items = sanitize(items, root, refs, depth + 1);
  }
}

/** `allOf` members merged into one schema: properties and required united, other keys first wins. */
function mergeAllOf(s: Schema): Schema {
  const { allOf, ...rest } = s;
  const merged: Schema = { ...rest };
  for (const m of allOf as unknown[]) {
    if (!isObj(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (k === 'properties' && isObj(v)) merged.properties = { ...(isObj(merged.properties) ? merged.properties : {}), ...v };
      else if (k === 'required' && Array.isArray(v)) merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...v];
      else if (!(k in merged)) merged[k] = v;
    }
  }
  return merged;
}

/** Resolves a local `#/…` JSON pointer against the root schema. */
function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObj(node)) return undefined;
    node = node[key];
  }
  return isObj(node) ? node : undefined;
}

function isObj(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
