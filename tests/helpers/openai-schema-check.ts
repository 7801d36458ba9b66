/**
 * OpenAI's check of a function's `parameters`, for the rules MCP servers and other clients' tools
 * fail most, as OpenAI's 400 words them (or undefined). Used by the Chat and Responses mocks.
 * - every array declares its `items`: "Invalid schema for function 'read_multiple_files': In
 *   context=('properties', 'paths'), array schema missing items.";
 * - every `pattern` compiles with Python's `re` (the check runs the meta-schema's `format: regex`
 *   there): "Invalid schema for function 'Artifact': '…' is not a 'regex'." Python has no
 *   `\p{…}` classes, `\u{…}` code points or `(?<name>…)` groups (it spells them `(?P<name>…)`);
 * - the meta-schema's forms: "'any' is not valid under any of the given schemas", "None is not of
 *   type 'object'" (`properties: null`).
 */
export function schemaProblem(name: string, parameters: unknown): string | undefined {
  const at = findArrayWithoutItems(parameters, []);
  if (at) return `Invalid schema for function '${name}': In context=(${at.map((p) => `'${p}'`).join(', ')}), array schema missing items.`;
  const pattern = findPattern(parameters, (p) => /\\[pP]\{|\\u\{|\(\?<(?![=!])/.test(p));
  if (pattern !== undefined) return `Invalid schema for function '${name}': '${pattern}' is not a 'regex'.`;
  const form = findForm(parameters);
  return form === undefined ? undefined : `Invalid schema for function '${name}': ${form}.`;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** A form the meta-schema refuses, as Python's `jsonschema` words it: a type JSON has not, a map of schemas that is none. */
function findForm(s: unknown): string | undefined {
  if (!isObj(s)) return undefined;
  if (typeof s.type === 'string' && !TYPES.has(s.type)) return `'${s.type}' is not valid under any of the given schemas`;
  if (s.properties === null) return "None is not of type 'object'";
  for (const [, v] of children(s)) {
    const found = findForm(v);
    if (found !== undefined) return found;
  }
  return undefined;
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The sub-schemas of a node, with the path step to each. */
function children(o: Json): Array<[string[], unknown]> {
  const out: Array<[string[], unknown]> = [];
  if (isObj(o.properties)) for (const [k, v] of Object.entries(o.properties)) out.push([['properties', k], v]);
  if (o.items !== undefined) out.push([['items'], o.items]);
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach((v, i) => out.push([[k, String(i)], v]));
  return out;
}

function findArrayWithoutItems(s: unknown, path: string[]): string[] | undefined {
  if (!isObj(s)) return undefined;
  const isArray = s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));
  if (isArray && s.items === undefined) return path;
  for (const [step, v] of children(s)) {
    const found = findArrayWithoutItems(v, [...path, ...step]);
    if (found) return found;
  }
  return undefined;
}

function findPattern(s: unknown, bad: (pattern: string) => boolean): string | undefined {
  if (!isObj(s)) return undefined;
  if (typeof s.pattern === 'string' && bad(s.pattern)) return s.pattern;
  for (const [, v] of children(s)) {
    const found = findPattern(v, bad);
    if (found !== undefined) return found;
  }
  return undefined;
}
