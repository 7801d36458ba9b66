import { refusal } from './refused-fields.ts';
import type { Attempt } from '../plugin/types.ts';
import { ProviderMemo } from './provider-memo.ts';
import { upstreamOf, type Repair } from './send-repaired.ts';
import { mapSchema } from './map-json-schema.ts';
import { upgradeSchema } from './upgrade-json-schema.ts';

/**
 * What OpenAI's check of function `parameters` refuses in schemas written for other clients, and
 * the same schemas fitted to it. The Chat and Responses APIs (and Azure, Copilot, Together, which
 * copy the check) refuse the whole request for one tool, so an agent whose MCP server or own tool
 * carries such a schema fails every turn:
 * - an array without `items`: "Invalid schema for function 'read_multiple_files': In
 *   context=('properties', 'paths'), array schema missing items." (DigitalOcean's MCP server
 *   declares 17). `items: {}` is what a missing `items` means, so nothing changes for the tool;
 * - a `pattern` Python's `re` cannot compile (the check runs the JSON Schema meta-schema's
 *   `format: regex` there): "Invalid schema for function 'Artifact': '^(?!__.*__$)[^\p{Cc}…' is
 *   not a 'regex'." (Claude Code's own Artifact tool). Outside strict mode a pattern is advice to
 *   the model, not a check: the tool's patterns go;
 * - any other form the meta-schema refuses ("Invalid schema for function 'query-graphql': 'any'
 *   is not valid under any of the given schemas.", "None is not of type 'object'"): the named
 *   tool's schema goes in draft 2020-12's forms (`upgradeSchema`: a `type: any` or a
 *   `properties: null` goes, an older draft's tuple becomes `prefixItems`…).
 */

type Schema = Record<string, unknown>;

/** A JSON Schema with `items: {}` on every array that declares no `items`, or undefined when every array declares them. */
export function withArrayItems(schema: unknown): Schema | undefined {
  return mapSchema(schema, (node) => {
    const isArray = node.type === 'array' || (Array.isArray(node.type) && node.type.includes('array'));
    return isArray && node.items === undefined ? { ...node, items: {} } : undefined;
  });
}

/** A JSON Schema without its `pattern`s (and `patternProperties`), or undefined when it has none. */
export function withoutPatterns(schema: unknown): Schema | undefined {
  return mapSchema(schema, (node) => {
    if (typeof node.pattern !== 'string' && node.patternProperties === undefined) return undefined;
    const { pattern: _p, patternProperties: _pp, ...rest } = node;
    return rest;
  });
}

/**
 * OpenAI tools (Chat `{function: {parameters}}` or Responses `{parameters}`) with `fit` applied to
 * each function's parameters (only to the tools `names` holds, when given), or undefined when no
 * schema changed.
 */
function fitTools(tools: unknown, fit: (schema: unknown) => Schema | undefined, names?: ReadonlySet<string>): unknown[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  let out: unknown[] | undefined;
  tools.forEach((t, i) => {
    if (!isObj(t)) return;
    const fn = isObj(t.function) ? t.function : undefined;
    if (names && !names.has(String((fn ?? t).name))) return;
    const fixed = fit(fn ? fn.parameters : t.parameters);
    if (fixed) (out ??= tools.slice())[i] = fn ? { ...t, function: { ...fn, parameters: fixed } } : { ...t, parameters: fixed };
  });
  return out;
}

/** OpenAI tools with `items: {}` on their arrays that declare none, or undefined when none lacks them. */
export function toolsWithArrayItems(tools: unknown): unknown[] | undefined {
  return fitTools(tools, withArrayItems);
}

/** What an upstream refused in a model's tool schemas: arrays without items, these tools' patterns, these tools' older forms. */
interface Learned {
  arrayItems: boolean;
  noPatterns: ReadonlySet<string>;
  upgraded: ReadonlySet<string>;
}

const learned = new ProviderMemo<Learned>();

/** "…, array schema missing items." */
const MISSING_ITEMS = /array schema missing items/;
/** "Invalid schema for function 'Artifact': '…' is not a 'regex'." */
const NOT_A_REGEX = /Invalid schema for function '([^']+)': [\s\S]* is not a 'regex'/;
/** Any other refusal of one function's schema. */
const INVALID_SCHEMA = /Invalid schema for function '([^']+)'/;

/** The schema in draft 2020-12's forms, or undefined when it is in them already. */
function upgraded(schema: unknown): Schema | undefined {
  const out = upgradeSchema(schema);
  return out === schema || !isObj(out) ? undefined : out;
}

/**
 * After the upstream refused a tool schema as above: the body's tools fitted (every array given
 * items, the named tool's patterns left out, or the named tool's schema in draft 2020-12's forms),
 * to send once more, and the lesson remembered for the model, whose later requests go fitted
 * (`withKnownSchemaFits`) without the refused round trip. Undefined for any other error, or when
 * nothing in the body is left to fit.
 */
export function repairToolSchemas(e: unknown, body: Schema, attempt: Attempt): Repair | undefined {
  const message = refusal(e)?.message;
  if (message === undefined) return undefined;
  const known = learned.get(attempt.provider, attempt.target.model) ?? { arrayItems: false, noPatterns: new Set<string>(), upgraded: new Set<string>() };
  const where = upstreamOf(attempt);
  if (MISSING_ITEMS.test(message)) {
    const tools = toolsWithArrayItems(body.tools);
    if (!tools) return undefined;
    learned.set(attempt.provider, attempt.target.model, { ...known, arrayItems: true });
    return { body: { ...body, tools }, note: `${where} refused an array schema without items; sent again with items: {} on such arrays, as the model's later requests go` };
  }
  const name = NOT_A_REGEX.exec(message)?.[1];
  if (name !== undefined) {
    const tools = fitTools(body.tools, withoutPatterns, new Set([name]));
    if (!tools) return undefined;
    learned.set(attempt.provider, attempt.target.model, { ...known, noPatterns: new Set([...known.noPatterns, name]) });
    return { body: { ...body, tools }, note: `${where} cannot compile a pattern in tool ${name}'s schema; sent again without its patterns, as the model's later requests go` };
  }
  const invalid = INVALID_SCHEMA.exec(message)?.[1];
  if (invalid === undefined) return undefined;
  const tools = fitTools(body.tools, upgraded, new Set([invalid]));
  if (!tools) return undefined;
  learned.set(attempt.provider, attempt.target.model, { ...known, upgraded: new Set([...known.upgraded, invalid]) });
  return { body: { ...body, tools }, note: `${where} refused tool ${invalid}'s schema; sent again in JSON Schema draft 2020-12's forms, as the model's later requests go` };
}

/** The body with its tools fitted as the attempt's model's upstream asked before; else the body itself. */
export function withKnownSchemaFits(body: Schema, attempt: Attempt): Schema {
  const known = learned.get(attempt.provider, attempt.target.model);
  if (!known) return body;
  let tools = known.arrayItems ? toolsWithArrayItems(body.tools) : undefined;
  if (known.noPatterns.size > 0) tools = fitTools(tools ?? body.tools, withoutPatterns, known.noPatterns) ?? tools;
  if (known.upgraded.size > 0) tools = fitTools(tools ?? body.tools, upgraded, known.upgraded) ?? tools;
  return tools ? { ...body, tools } : body;
}

function isObj(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
