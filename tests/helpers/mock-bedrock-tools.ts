/**
 * Tool choice in the fake Bedrock runtime (tests/helpers/mock-bedrock.ts): which models refuse a
 * `toolConfig`, what a forced choice is answered with, and the tool input's fragments in a stream.
 *
 * - Refusals, with Bedrock's own ValidationException messages: DeepSeek-R1 (`deepseek.r1…`)
 *   takes no tools at all ("This model doesn't support tool use."); Llama (`meta.llama…`) takes
 *   tools but no forced choice ("This model doesn't support the toolConfig.toolChoice.tool
 *   field. Remove toolConfig.toolChoice.tool and try again."); Claude refuses a forced choice
 *   beside extended thinking; a `toolChoice.tool` must name a declared tool.
 * - A forced choice is always answered with a `toolUse`: `{tool: {name}}` calls that tool;
 *   `{any: {}}` the last one declared, unless the text asks for the weather before any tool
 *   result (then mock-bedrock.ts's weather rule calls the first tool with `{city: 'Paris'}`). Its input is built from the tool's schema
 *   (`sampleOf`): every required property, strings saying the last user text. A text that
 *   asks for a "preamble" gets a text block before the call, as models sometimes write.
 */

type Json = Record<string, any>;

const NO_TOOLS = /(^|[./])deepseek\.r1/;
const NO_FORCED_CHOICE = /(^|[./])meta\.llama/;

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** What Bedrock's draft 2020-12 check finds first in a schema (its `$.path: … found, … expected` wording), or undefined. */
function schemaError(s: unknown, at = '$'): string | undefined {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return undefined;
  const o = s as Json;
  if ('properties' in o && (typeof o.properties !== 'object' || o.properties === null || Array.isArray(o.properties))) {
    return `${at}.properties: ${o.properties === null ? 'null' : typeof o.properties} found, object expected`;
  }
  if (typeof o.type === 'string' && !JSON_TYPES.has(o.type)) return `${at}.type: does not have a value in the enumeration [array, boolean, integer, null, number, object, string]`;
  for (const [k, v] of Object.entries((o.properties ?? {}) as Json)) {
    const found = schemaError(v, `${at}.properties.${k}`);
    if (found) return found;
  }
  return typeof o.items === 'object' ? schemaError(o.items, `${at}.items`) : undefined;
}

/** Why Bedrock would refuse the body's `toolConfig` for `model`, or undefined. */
export function toolConfigProblem(body: Json, model: string): string | undefined {
  const config = body.toolConfig as Json | undefined;
  if (!config) return undefined;
  for (const [i, t] of ((config.tools ?? []) as Json[]).entries()) {
    const found = schemaError(t.toolSpec?.inputSchema?.json);
    if (found) return `The json schema definition at toolConfig.tools.${i}.toolSpec.inputSchema is invalid. Fix the following errors and try again: ${found}`;
  }
  if (NO_TOOLS.test(model)) return "This model doesn't support tool use.";
  const choice = (config.toolChoice ?? {}) as Json;
  const kinds = Object.keys(choice);
  if (kinds.length > 1 || kinds.some((k) => !['auto', 'any', 'tool'].includes(k))) return 'toolConfig.toolChoice must set exactly one of auto, any, tool';
  const forced = kinds.find((k) => k === 'any' || k === 'tool');
  if (!forced) return undefined;
  if (NO_FORCED_CHOICE.test(model)) return `This model doesn't support the toolConfig.toolChoice.${forced} field. Remove toolConfig.toolChoice.${forced} and try again.`;
  if (body.additionalModelRequestFields?.thinking) return 'Thinking may not be enabled when tool_choice forces tool use.';
  if (forced === 'tool' && !specsOf(body).some((s) => s.name === choice.tool?.name)) return `toolConfig.toolChoice.tool.name: no tool is named ${choice.tool?.name}`;
  return undefined;
}

/** The tool call a forced choice makes (see the file comment), or undefined when the choice is free or the weather rule answers. */
export function forcedToolUse(body: Json, said: string, answered: boolean): { name: string; input: Json } | undefined {
  const choice = body.toolConfig?.toolChoice as Json | undefined;
  const specs = specsOf(body);
  let spec: Json | undefined;
  if (choice?.tool) spec = specs.find((s) => s.name === choice.tool.name);
  else if (choice?.any && (answered || !/weather/i.test(said))) spec = specs.at(-1);
  if (!spec) return undefined;
  const schema = spec.inputSchema?.json ?? {};
  return { name: spec.name, input: sampleOf(schema, said, schema) as Json };
}

function specsOf(body: Json): Json[] {
  return ((body.toolConfig?.tools ?? []) as Json[]).filter((t) => t.toolSpec).map((t) => t.toolSpec);
}

/**
 * A value that satisfies `schema` (the subset tools use): `$ref` into `$defs`/`definitions`,
 * `const`, `enum` (its first value), `anyOf`/`oneOf` (the first branch), and by `type`: an
 * object with its required properties (`{answer: text}` for one that declares none and takes
 * any), an array with `minItems` (at least one) items, `text`
 * as a string (padded to `minLength`, cut to `maxLength`), `minimum` (else 1 or 1.5) as a number.
 */
export function sampleOf(schema: Json, text: string, root: Json, depth = 0): unknown {
  if (depth > 16) return null;
  if (typeof schema.$ref === 'string') {
    const [, defs, name] = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref) ?? [];
    return sampleOf(root[defs ?? '']?.[name ?? ''] ?? {}, text, root, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return sampleOf(union[0] ?? {}, text, root, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') ?? 'null' : schema.type ?? (schema.items ? 'array' : 'object');
  switch (type) {
    case 'object':
      if (!schema.properties && schema.additionalProperties !== false) return { answer: text };
      return Object.fromEntries(((schema.required ?? []) as string[]).map((k) => [k, sampleOf(schema.properties?.[k] ?? {}, text, root, depth + 1)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleOf(schema.items ?? {}, text, root, depth + 1));
    case 'string':
      return text.padEnd(schema.minLength ?? 0, '.').slice(0, schema.maxLength ?? Infinity);
    case 'integer':
      return schema.minimum ?? 1;
    case 'number':
      return schema.minimum ?? 1.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** A tool input's JSON text in uneven fragments (3, 11, 7, 5, 3… characters), as ConverseStream sends it. */
export function inputFragments(json: string): string[] {
  const sizes = [3, 11, 7, 5];
  const out: string[] = [];
  for (let at = 0, i = 0; at < json.length; i++) {
    out.push(json.slice(at, at + sizes[i % sizes.length]!));
    at += sizes[i % sizes.length]!;
  }
  return out.length > 0 ? out : [''];
}
