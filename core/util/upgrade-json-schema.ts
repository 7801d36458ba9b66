import { mapSchema, ONE_SCHEMA, SCHEMA_MAP } from './map-json-schema.ts';

/**
 * JSON Schema in draft 2020-12's forms. Validators that check a tool's schema against the
 * draft 2020-12 meta-schema (the Messages API, OpenAI's function check, Bedrock) refuse the older
 * drafts' forms MCP servers still write; `upgradeSchema` rewrites them, meaning kept.
 */

type Json = Record<string, unknown>;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Keywords the meta-schema types as a count (a non-negative integer), a number, a string. */
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
const NUMBERS = ['minimum', 'maximum', 'multipleOf', 'exclusiveMinimum', 'exclusiveMaximum'];
const STRINGS = ['pattern', 'format', 'title', 'description', '$id', '$ref', '$anchor'];

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A number, or a number written as text (`"1"`), as a number; undefined for anything else. */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * A schema in draft 2020-12's forms, from the older drafts MCP servers still write (the API
 * refuses them: "tools.N.custom.input_schema: JSON schema is invalid. It must match JSON Schema
 * draft 2020-12": the schema must be valid against its meta-schema), meaning kept where it is
 * clear: `items` as a list → `prefixItems`, with `additionalItems` as `items`; boolean
 * `exclusiveMinimum`/`exclusiveMaximum` → the number form; `required: true` on a property → the
 * name in its parent's `required`; a number written as text (`minLength: "1"`) → the number. What
 * has no meaning under the meta-schema is dropped: a `type` that is not a JSON type (`any`), a
 * count that is not one. A `$schema` naming an older draft stays: it is a valid URI, and Claude
 * Code's own tools carry one. Returns the schema itself when nothing changed.
 */
export function upgradeSchema(schema: unknown): unknown {
  return mapSchema(schema, (node) => {
    const own = upgradeKeywords(node);
    return own === node ? undefined : own;
  }) ?? schema;
}

/** The schema with its own keywords in draft 2020-12's forms (sub-schemas untouched); itself when none changed. */
function upgradeKeywords(schema: Json): Json {
  let out: Json | undefined;
  const set = (k: string, v: unknown) => {
    out ??= { ...schema };
    if (v === undefined) delete out[k];
    else out[k] = v;
  };
  if (schema.$schema !== undefined && typeof schema.$schema !== 'string') set('$schema', undefined);
  const type = schema.type;
  if (typeof type === 'string' && !TYPES.has(type)) set('type', undefined);
  if (Array.isArray(type) && !type.every((t) => TYPES.has(t as string))) {
    const kept = type.filter((t) => TYPES.has(t as string));
    set('type', kept.length > 0 ? kept : undefined);
  }
  if (Array.isArray(schema.items)) {
    set('prefixItems', schema.items);
    set('items', schema.additionalItems);
    set('additionalItems', undefined);
  }
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof schema[exclusive] !== 'boolean') continue;
    const numeric = schema[exclusive] && typeof schema[bound] === 'number';
    set(exclusive, numeric ? schema[bound] : undefined);
    if (numeric) set(bound, undefined);
  }
  const req = schema.required;
  if (req !== undefined && !Array.isArray(req)) set('required', undefined);
  else if (Array.isArray(req) && !req.every((r) => typeof r === 'string')) set('required', req.filter((r) => typeof r === 'string'));
  // Keywords whose value has a type in the meta-schema: a number written as text becomes the number, anything else wrong goes.
  for (const k of COUNTS) {
    const v = numberOf(schema[k]);
    if (schema[k] !== undefined && v !== schema[k]) set(k, v !== undefined && Number.isInteger(v) && v >= 0 ? v : undefined);
  }
  for (const k of NUMBERS) {
    const v = numberOf(schema[k]);
    if (schema[k] !== undefined && typeof schema[k] !== 'boolean' && v !== schema[k]) set(k, v);
  }
  for (const k of STRINGS) if (schema[k] !== undefined && typeof schema[k] !== 'string') set(k, undefined);
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) set('enum', undefined);
  for (const k of ONE_SCHEMA) {
    const v = schema[k];
    if (v !== undefined && typeof v !== 'boolean' && !isObject(v) && !(k === 'items' && Array.isArray(v))) set(k, undefined);
  }
  // A map of sub-schemas that is not one (`properties: null`, as some clients serialize "none").
  for (const k of SCHEMA_MAP) if (schema[k] !== undefined && !isObject(schema[k])) set(k, undefined);
  const cur = out ?? schema;
  if (isObject(cur.properties)) {
    const named = Object.entries(cur.properties).filter(([, p]) => isObject(p) && p.required === true).map(([k]) => k);
    if (named.length > 0) set('required', [...new Set([...(Array.isArray(cur.required) ? cur.required : []), ...named])]);
  }
  return out ?? schema;
}
