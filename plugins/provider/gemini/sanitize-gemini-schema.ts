import { lookupTable } from '../../../core/util/lookup-table.ts';

/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini accepts in `parameters` and `responseSchema`.
 *
 * Gemini checks every tool of a request and answers 400 INVALID_ARGUMENT for one schema it
 * cannot take, so one MCP server's tool fails every turn. What it refuses, in its own words:
 * "Unknown name \"additionalProperties\"", "only 'enum' and 'date-time' are supported for
 * STRING type", "enum: only allowed for STRING type", "items: missing field", "items: field
 * predicate failed: $type == Type.ARRAY", "properties: should be non-empty for OBJECT type",
 * "schema didn't specify the schema type field", "When using any_of, it must be the only field
 * set". So:
 * - `$ref` is inlined from `$defs` / `definitions` (a recursive reference stops as a plain
 *   `{type: object}`), then every key outside the allow-list is dropped (`$schema`, `$id`,
 *   `additionalProperties`, `patternProperties`, `default`, `examples`, `not`, `pattern`, …);
 *   bounds stay only on the type they belong to (`minItems` on arrays, `minLength` on strings…);
 * - `type: [t, "null"]` and `anyOf/oneOf` with a null branch become `nullable`; other unions
 *   become an `anyOf` that stands alone (its description and `nullable` go to each branch);
 *   `allOf` is merged into one schema;
 * - `const` becomes a one-value `enum`; enums keep only non-empty string values (Gemini's rule);
 * - `format` is kept only where Gemini knows it; empty `properties` / `required` go away;
 * - an array always gets `items` with a type: a tuple (`prefixItems`, an `items` list) becomes
 *   one items schema, items that are a union become a union of arrays, and `items` on a node
 *   that is not an array goes (its string `enum`, where the node has none, stays);
 * - every node has a type. In function parameters, a value Gemini cannot describe (an object
 *   with no declared properties, such as a map of headers, or a value of any type) is asked
 *   for as JSON text, a string: `jsonText` lists where, and `decodeJsonTextArgs` turns what the
 *   model wrote back into the value the tool expects. In a response schema, a value of any type
 *   is a string (still valid output); an open object stays as it is.
 * Pure; the input is never mutated.
 *
 * @see https://ai.google.dev/api/caching#Schema
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_declarations
 */

type Schema = Record<string, unknown>;

/** Where a value sits in a tool's arguments: property names, and `null` for every element of an array. */
export type ArgPath = readonly (string | null)[];

/** A tool's `parameters` for Gemini, and the arguments it asks for as JSON text. */
export interface GeminiParameters {
  /** Undefined for a tool without parameters (an object with none declared means the same). */
  parameters?: Schema;
  /** Argument paths the model writes as JSON text (see `decodeJsonTextArgs`). */
  jsonText: readonly ArgPath[];
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
/** Bounds Gemini takes, per the type they apply to; on another type they are dropped. */
const BOUNDS: Readonly<Record<string, readonly string[]>> = lookupTable({
  string: ['minLength', 'maxLength'],
  number: ['minimum', 'maximum'],
  integer: ['minimum', 'maximum'],
  array: ['minItems', 'maxItems'],
  object: ['minProperties', 'maxProperties'],
});
const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = lookupTable({
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
});
const MAX_DEPTH = 32;
/** Where a value is asked for as JSON text, what its description says. */
const ANY_VALUE_NOTE = '(any JSON value, written as JSON text)';
const OPEN_OBJECT_NOTE = '(a JSON object, written as JSON text)';
/** For a parameter Gemini refused the schema of (`schema-as-text.ts`). */
export const JSON_TEXT_NOTE = '(its value written as JSON text)';

/** True for a node that asks for its value as JSON text. */
export function isJsonTextNode(schema: unknown): boolean {
  const s = schema as { type?: unknown; description?: unknown } | undefined;
  return s?.type === 'string' && typeof s.description === 'string' && s.description.endsWith('written as JSON text)');
}

/**
 * One walk: the root (for `$ref`), whether it is a tool's parameters (values Gemini cannot
 * describe become JSON text, and their paths are collected) or a response schema.
 */
interface Walk {
  root: Schema;
  parameters: boolean;
  jsonText: ArgPath[];
}

/** Sanitizes a response schema (see above). Non-object input gives `{}`. */
export function sanitizeGeminiSchema(schema: unknown): Schema {
  if (!isObj(schema)) return {};
  return sanitize(schema, { root: schema, parameters: false, jsonText: [] }, [], 0, undefined);
}

const memo = new WeakMap<object, GeminiParameters>();

/**
 * For function `parameters`: the sanitized schema (undefined for an object with no properties,
 * which Gemini refuses and which means the same as no parameters at all) and the argument paths
 * asked for as JSON text. Remembered per schema object, so the request's conversion and the
 * reading of its reply walk it once.
 */
export function geminiParameters(schema: unknown): GeminiParameters {
  if (!isObj(schema)) return { jsonText: [] };
  const known = memo.get(schema);
  if (known) return known;
  const walk: Walk = { root: schema, parameters: true, jsonText: [] };
  const out = sanitize(schema, walk, [], 0, []);
  const empty = out.anyOf === undefined && (out.type === undefined || (out.type === 'object' && out.properties === undefined));
  const result: GeminiParameters = { ...(empty ? {} : { parameters: out }), jsonText: walk.jsonText };
  memo.set(schema, result);
  return result;
}

/**
 * `path` is where the node sits in the arguments; undefined where no one path leads to it (inside
 * an `anyOf` or a tuple), so a value there written as JSON text is not decoded.
 */
function sanitize(input: unknown, w: Walk, refs: readonly string[], depth: number, path: ArgPath | undefined): Schema {
  if (!isObj(input) || depth > MAX_DEPTH) return anyValue({}, w, path);
  let s = input;
  if (typeof s.$ref === 'string') {
    const ref = s.$ref;
    const target = refs.includes(ref) ? undefined : resolveRef(w.root, ref);
    // A reference that leads nowhere (or back to itself) is an object with nothing declared.
    if (!target) return sanitize({ type: 'object', ...(typeof s.description === 'string' ? { description: s.description } : {}) }, w, refs, depth + 1, path);
    const { $ref: _, ...siblings } = s;
    return sanitize({ ...target, ...siblings }, w, [...refs, ref], depth + 1, path);
  }
  if (Array.isArray(s.allOf)) s = mergeAllOf(s);
  let nullable = s.nullable === true;
  const types = (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type])
    .filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase());
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
    const merged = sanitize({ ...(branches[0] as Schema), ...rest }, w, refs, depth + 1, path);
    return nullable ? withNullable(merged) : merged;
  }
  const alternatives = nonNull.length > 1
    ? nonNull.map((t) => ({ ...s, type: t, anyOf: undefined, oneOf: undefined }))
    : nonNull.length === 0 && branches && branches.length > 1 ? branches : undefined;
  if (alternatives) return anyOf(alternatives.map((b) => sanitize(b, w, refs, depth + 1, undefined)), s.description, nullable);

  const out: Schema = {};
  if (nonNull.length === 1 && TYPES.has(nonNull[0]!)) out.type = nonNull[0];
  else if (nonNull.length === 0 && types.includes('null')) out.type = 'string';
  else if (nonNull.length === 0 && isObj(s.properties)) out.type = 'object';
  else if (nonNull.length === 0 && (s.items !== undefined || Array.isArray(s.prefixItems))) out.type = 'array';
  if (typeof s.title === 'string') out.title = s.title;
  if (typeof s.description === 'string') out.description = s.description;
  copyEnum(s, out);
  const type = out.type as string | undefined;
  if (type === undefined) return withNullable(anyValue(s, w, path), nullable);
  for (const k of BOUNDS[type] ?? []) if (typeof s[k] === 'number') out[k] = s[k];
  if (typeof s.format === 'string' && FORMATS[type]?.has(s.format)) out.format = s.format;
  if (type === 'object') {
    copyProperties(s, out, w, refs, depth, path);
    if (out.properties === undefined && w.parameters && path?.length !== 0) {
      return withNullable(jsonText(s, w, path, OPEN_OBJECT_NOTE), nullable);
    }
  }
  const result = type === 'array' ? arrayOf(s, out, w, refs, depth, path) : out;
  return withNullable(result, nullable);
}

/** A value of any type: JSON text in tool parameters, a string in a response schema (still valid output). */
function anyValue(s: Schema, w: Walk, path: ArgPath | undefined): Schema {
  if (w.parameters && path?.length === 0) return {};
  if (w.parameters) return jsonText(s, w, path, ANY_VALUE_NOTE);
  return typeof s.description === 'string' ? { type: 'string', description: s.description } : { type: 'string' };
}

/** A string the model fills with JSON text; decoded back where one path leads to it. */
function jsonText(s: Schema, w: Walk, path: ArgPath | undefined, note: string): Schema {
  if (path) w.jsonText.push(path);
  return { type: 'string', description: typeof s.description === 'string' ? `${s.description} ${note}` : note };
}

/**
 * Alternatives as Gemini takes them: an `anyOf` and nothing beside it, so the description and
 * `nullable` go to each branch; a branch that is itself an `anyOf` gives its branches.
 */
function anyOf(alternatives: Schema[], description: unknown, nullable: boolean): Schema {
  const flat = alternatives.flatMap((b) => (Array.isArray(b.anyOf) ? (b.anyOf as Schema[]) : [b]));
  const out = flat.map((b) => {
    const c = typeof description === 'string' && b.description === undefined ? { ...b, description } : b;
    return nullable ? withNullable(c) : c;
  });
  return out.length === 1 ? out[0]! : { anyOf: out };
}

function withNullable(s: Schema, nullable = true): Schema {
  if (!nullable) return s;
  if (Array.isArray(s.anyOf)) return { anyOf: (s.anyOf as Schema[]).map((b) => ({ ...b, nullable: true })) };
  return { ...s, nullable: true };
}

/**
 * An array with the typed `items` Gemini requires: a tuple becomes its one element schema (or a
 * union of arrays when its positions differ), items that are a union become a union of arrays,
 * and missing items are a value of any type.
 */
function arrayOf(s: Schema, out: Schema, w: Walk, refs: readonly string[], depth: number, path: ArgPath | undefined): Schema {
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  let items: Schema;
  if (tuple && tuple.length > 0) {
    const positions = tuple.map((p) => sanitize(p, w, refs, depth + 1, undefined));
    const same = positions.every((p) => JSON.stringify(p) === JSON.stringify(positions[0]));
    items = same ? positions[0]! : anyOf(positions, undefined, false);
  } else {
    items = sanitize(isObj(s.items) ? s.items : {}, w, refs, depth + 1, path && [...path, null]);
  }
  if (!Array.isArray(items.anyOf)) return { ...out, items };
  const { description, ...bounds } = out;
  return anyOf((items.anyOf as Schema[]).map((b) => ({ ...bounds, items: b })), description, false);
}

/** `enum` / `const`: non-empty strings only, which also makes the type a string (Gemini's rule). */
function copyEnum(s: Schema, out: Schema): void {
  const stray = out.type === 'string' && isObj(s.items) ? s.items.enum : undefined;
  const values = s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? s.enum : Array.isArray(stray) ? stray : undefined;
  if (!values) return;
  if (values.includes(null)) out.nullable = true;
  const given = values.filter((x) => x !== null);
  if (given.length === 0) return;
  if (given.every((x) => typeof x === 'string') && (out.type === undefined || out.type === 'string')) {
    out.type = 'string';
    const kept = [...new Set(given as string[])].filter((x) => x !== '');
    if (kept.length > 0) out.enum = kept;
  } else if (out.type === undefined) {
    const t = typeof given[0];
    if (t === 'number' || t === 'boolean') out.type = Number.isInteger(given[0]) ? 'integer' : t;
  }
}

function copyProperties(s: Schema, out: Schema, w: Walk, refs: readonly string[], depth: number, path: ArgPath | undefined): void {
  if (!isObj(s.properties)) return;
  const props: Schema = {};
  for (const [name, p] of Object.entries(s.properties)) props[name] = sanitize(p === true ? {} : p, w, refs, depth + 1, path && [...path, name]);
  if (Object.keys(props).length === 0) return;
  out.properties = props;
  const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string' && Object.hasOwn(props, r)) : [];
  if (required.length > 0) out.required = [...new Set(required)];
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
