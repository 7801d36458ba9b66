/**
 * Walking a JSON Schema's sub-schemas: the keywords whose value is a schema, a list of schemas
 * or a map of names to schemas, and a rewrite of every schema node in place of those positions.
 */

type Schema = Record<string, unknown>;

/** Keywords whose value is one schema (`items` too, when it is not an older draft's list). */
export const ONE_SCHEMA = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
/** Keywords whose value is a list of schemas. */
export const SCHEMA_LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
/** Keywords whose value maps names to schemas. */
export const SCHEMA_MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

const SCHEMAS = new Set([...ONE_SCHEMA, ...SCHEMA_LIST]);
const MAPS = new Set(SCHEMA_MAP);
const MAX_DEPTH = 64;

/**
 * `schema` with `fix` applied to every schema node in it (`fix` returns the node's replacement,
 * or undefined to keep it), or undefined when nothing changed (nothing is copied then). A
 * property named like a keyword is a property: only schema positions are visited.
 */
export function mapSchema(schema: unknown, fix: (node: Schema) => Schema | undefined, depth = 0): Schema | undefined {
  if (!isObj(schema) || depth > MAX_DEPTH) return undefined;
  const fixed = fix(schema);
  const node = fixed ?? schema;
  let out: Schema | undefined = fixed;
  const set = (k: string, v: unknown) => ((out ??= { ...node })[k] = v);
  for (const k in node) {
    const v = node[k];
    if (typeof v !== 'object' || v === null) continue;
    if (SCHEMAS.has(k)) {
      const next = Array.isArray(v) ? mapList(v, fix, depth) : mapSchema(v, fix, depth + 1);
      if (next) set(k, next);
    } else if (MAPS.has(k) && !Array.isArray(v)) {
      let copy: Schema | undefined;
      for (const name in v) {
        const next = mapSchema((v as Schema)[name], fix, depth + 1);
        if (next) (copy ??= { ...(v as Schema) })[name] = next;
      }
      if (copy) set(k, copy);
    }
  }
  return out;
}

function mapList(list: unknown[], fix: (node: Schema) => Schema | undefined, depth: number): unknown[] | undefined {
  let copy: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const next = mapSchema(list[i], fix, depth + 1);
    if (next) (copy ??= list.slice())[i] = next;
  }
  return copy;
}

function isObj(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
