/**
 * A small JSON Schema checker for the published request schemas in /work/shared/fixtures/schemas
 * (OpenAPI 3.1 components and hand-written 2020-12 `$defs`), so the conformance suite can say
 * "the body the upstream received is valid for that API" without a schema library.
 *
 * Supported: type (also arrays and `null`), `nullable`, enum, const, properties, required,
 * additionalProperties (boolean or schema), items, min/maxItems, minimum/maximum,
 * min/maxLength, minProperties, pattern, allOf, anyOf, oneOf (checked as anyOf: the spec's
 * branches overlap), if/then, and local `$ref`s. Other keywords are ignored.
 */

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(actual: string, wanted: string): boolean {
  return actual === wanted || (wanted === 'number' && actual === 'integer');
}

/** A checker bound to one schema document (for `$ref` resolution). */
export interface SchemaChecker {
  /** Problems of `value` against the schema at `pointer` (`#/components/schemas/X`), at most `max`. */
  check(value: unknown, pointer: string, max?: number): string[];
}

/** Creates a checker over a parsed schema document. */
export function createSchemaChecker(doc: Schema): SchemaChecker {
  const resolve = (ref: string): Schema => {
    let node: unknown = doc;
    for (const key of ref.replace(/^#\//, '').split('/')) node = isObj(node) ? node[key] : undefined;
    if (!isObj(node)) throw new Error(`unresolvable $ref ${ref}`);
    return node;
  };

  function validate(v: unknown, s: unknown, at: string, out: string[]): void {
    if (s === true || s === undefined) return;
    if (s === false) return void out.push(`${at}: not allowed`);
    if (!isObj(s)) return;
    if (typeof s.$ref === 'string') validate(v, resolve(s.$ref), at, out);
    if (v === null && s.nullable === true) return;
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(typeOf(v), t))) return void out.push(`${at}: ${typeOf(v)} is not ${types.join('|')}`);
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      out.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum).slice(0, 200)}`);
    }
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) out.push(`${at}: must be ${JSON.stringify(s.const)}`);
    for (const sub of (s.allOf as unknown[] | undefined) ?? []) validate(v, sub, at, out);
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (!Array.isArray(branches)) continue;
      const results = branches.map((b) => { const o: string[] = []; validate(v, b, at, o); return o; });
      if (!results.some((r) => r.length === 0)) {
        // The closest branch is one whose own shape matched (its problems lie deeper), if any.
        const deeper = results.filter((r) => !r.some((p) => p.startsWith(`${at}: `)));
        const best = (deeper.length > 0 ? deeper : results).reduce((a, b) => (b.length < a.length ? b : a));
        out.push(`${at}: matches no ${key} branch (closest: ${best.slice(0, 2).join('; ')})`);
      }
    }
    if (isObj(s.if)) {
      const cond: string[] = [];
      validate(v, s.if, at, cond);
      if (cond.length === 0 && s.then !== undefined) validate(v, s.then, at, out);
    }
    if (typeof v === 'string') checkString(v, s, at, out);
    if (typeof v === 'number') checkNumber(v, s, at, out);
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
      if (s.items !== undefined) v.forEach((item, i) => validate(item, s.items, `${at}[${i}]`, out));
    }
    if (isObj(v)) checkObject(v, s, at, out);
  }

  function checkObject(v: Record<string, unknown>, s: Schema, at: string, out: string[]): void {
    const props = isObj(s.properties) ? s.properties : {};
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) out.push(`${at}.${r}: required`);
    if (typeof s.minProperties === 'number' && Object.keys(v).length < s.minProperties) out.push(`${at}: too few properties`);
    for (const [k, val] of Object.entries(v)) {
      if (k in props) validate(val, props[k], `${at}.${k}`, out);
      else if (s.additionalProperties === false) out.push(`${at}.${k}: unknown property`);
      else if (isObj(s.additionalProperties)) validate(val, s.additionalProperties, `${at}.${k}`, out);
    }
  }

  return {
    check(value, pointer, max = 5) {
      const out: string[] = [];
      validate(value, resolve(pointer), '$', out);
      return out.slice(0, max);
    },
  };
}

function checkString(v: string, s: Schema, at: string, out: string[]): void {
  if (typeof s.minLength === 'number' && v.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
  if (typeof s.maxLength === 'number' && v.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) out.push(`${at}: does not match ${s.pattern}`);
}

function checkNumber(v: number, s: Schema, at: string, out: string[]): void {
  if (typeof s.minimum === 'number' && v < s.minimum) out.push(`${at}: below ${s.minimum}`);
  if (typeof s.maximum === 'number' && v > s.maximum) out.push(`${at}: above ${s.maximum}`);
}
