import { isGatewayError } from '../errors/gateway-error.ts';
import type { Attempt } from '../plugin/types.ts';
import { ProviderMemo } from './provider-memo.ts';

type Schema = Record<string, unknown>;

/** Keywords whose value is a schema or a list of schemas. */
const SCHEMAS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems']);
/** Keywords whose value maps names to schemas. */
const MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const MAX_DEPTH = 64;

/**
 * A JSON Schema with `items: {}` on every array that declares no `items`, or undefined when every
 * array declares them (nothing is copied then). OpenAI's function calling, and the APIs that copy
 * its checks (Azure, Copilot, Together), refuse the whole request for one such array: "Invalid
 * schema for function 'read_multiple_files': In context=('properties', 'paths'), array schema
 * missing items." MCP servers declare many (DigitalOcean's has 17), so a coding agent with one of
 * them fails every turn. `{}` is what a missing `items` means (any value), so nothing changes
 * for the tool.
 */
export function withArrayItems(schema: unknown, depth = 0): Schema | undefined {
  if (!isObj(schema) || depth > MAX_DEPTH) return undefined;
  let out: Schema | undefined;
  const set = (k: string, v: unknown) => ((out ??= { ...schema })[k] = v);
  const isArray = schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
  if (isArray && schema.items === undefined) set('items', {});
  for (const k in schema) {
    const v = schema[k];
    if (typeof v !== 'object' || v === null) continue;
    if (SCHEMAS.has(k)) {
      const fixed = Array.isArray(v) ? fixList(v, depth) : withArrayItems(v, depth + 1);
      if (fixed) set(k, fixed);
    } else if (MAPS.has(k) && !Array.isArray(v)) {
      let copy: Schema | undefined;
      for (const name in v) {
        const fixed = withArrayItems((v as Schema)[name], depth + 1);
        if (fixed) (copy ??= { ...(v as Schema) })[name] = fixed;
      }
      if (copy) set(k, copy);
    }
  }
  return out;
}

/** "…, array schema missing items." in an upstream's 400. */
const MISSING_ITEMS = /array schema missing items/;

/**
 * OpenAI tools (Chat `{function: {parameters}}` or Responses `{parameters}`) with `withArrayItems`
 * applied to each function's parameters, or undefined when none lacks items.
 */
export function toolsWithArrayItems(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  let out: unknown[] | undefined;
  tools.forEach((t, i) => {
    if (!isObj(t)) return;
    const fn = isObj(t.function) ? t.function : undefined;
    const fixed = withArrayItems(fn ? fn.parameters : t.parameters);
    if (fixed) (out ??= tools.slice())[i] = fn ? { ...t, function: { ...fn, parameters: fixed } } : { ...t, parameters: fixed };
  });
  return out;
}

/** Models (per provider runtime) whose upstream refused an array schema without items. */
const refusers = new ProviderMemo<true>();

/**
 * A client's own body (the passthrough lane, which the converted lane's `withArrayItems` does not
 * reach) after the upstream refused an array without items: its tools fixed, to send once more,
 * and the model remembered, so its later requests go fixed (`withKnownArrayItems`) without the
 * refused round trip. Undefined for any other error, or when no tool lacks items.
 */
export function repairArrayItems(e: unknown, body: Schema, attempt: Attempt): Schema | undefined {
  if (!isGatewayError(e) || e.upstream?.status !== 400 || !MISSING_ITEMS.test(e.upstream.message ?? e.message)) return undefined;
  const tools = toolsWithArrayItems(body.tools);
  if (!tools) return undefined;
  refusers.set(attempt.provider, attempt.target.model, true);
  return { ...body, tools };
}

/** The body with its tools' arrays given items when the attempt's model refused them before; else the body itself. */
export function withKnownArrayItems(body: Schema, attempt: Attempt): Schema {
  if (!refusers.get(attempt.provider, attempt.target.model)) return body;
  const tools = toolsWithArrayItems(body.tools);
  return tools ? { ...body, tools } : body;
}

function fixList(list: unknown[], depth: number): unknown[] | undefined {
  let copy: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const fixed = withArrayItems(list[i], depth + 1);
    if (fixed) (copy ??= list.slice())[i] = fixed;
  }
  return copy;
}

function isObj(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
