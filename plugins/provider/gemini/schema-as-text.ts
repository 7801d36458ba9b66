import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import type { GeminiFunctionDeclaration, GeminiRequest } from './gemini-wire-types.ts';
import { isJsonTextNode as isText, JSON_TEXT_NOTE } from './sanitize-gemini-schema.ts';

/** Top-level parameters asked for as JSON text, by tool name. */
export type TextProperties = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Where Gemini's 400 says a tool's schema is wrong, by the declaration's place (Gemini API:
 * "* GenerateContentRequest.tools[0].function_declarations[63].parameters.properties[reasons]
 * .items…: field predicate failed") or by its name (Vertex: "`create_review` functionDeclaration
 * `parameters.comments` schema specified other fields alongside any_of").
 */
const BY_PLACE = /tools\[(\d+)\]\.function_declarations\[(\d+)\]\.parameters\.properties\[([^\]]+)\]/g;
const BY_NAME = /`([^`]+)` functionDeclaration `parameters\.([^`.\s]+)/g;

/**
 * The tools' top-level parameters Gemini's 400 refuses the schema of, as a map from tool name to
 * property names; empty for any other error. `sanitize-gemini-schema.ts` fits what Gemini is
 * known to refuse; this is for a rule it does not know yet, in a schema no one wrote for Gemini.
 */
export function refusedToolProperties(err: unknown, body: GeminiRequest): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!isGatewayError(err) || err.upstream?.status !== 400) return out;
  const message = err.upstream.message ?? err.message;
  const add = (decl: GeminiFunctionDeclaration | undefined, property: string) => {
    const props = decl?.parameters?.properties as Record<string, unknown> | undefined;
    if (!decl || !props || !Object.hasOwn(props, property) || isText(props[property])) return;
    let set = out.get(decl.name);
    if (!set) out.set(decl.name, (set = new Set()));
    set.add(property);
  };
  for (const [, t, d, property] of message.matchAll(BY_PLACE)) add(body.tools?.[Number(t)]?.functionDeclarations?.[Number(d)], property!);
  const decls = (body.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
  for (const [, name, property] of message.matchAll(BY_NAME)) add(decls.find((x) => x.name === name), property!);
  return out;
}

/**
 * The request with those parameters asked for as JSON text (a string the model fills with the
 * value's JSON, read back by `jsonTextArgs`); the same request when none applies.
 */
export function withPropertiesAsText(body: GeminiRequest, text: TextProperties | undefined): GeminiRequest {
  if (!text || text.size === 0 || !body.tools) return body;
  let changed = false;
  const tools = body.tools.map((tool) => {
    if (!tool.functionDeclarations?.some((d) => text.has(d.name))) return tool;
    const functionDeclarations = tool.functionDeclarations.map((d) => {
      const props = d.parameters?.properties as Record<string, Record<string, unknown>> | undefined;
      const names = text.get(d.name);
      if (!props || !names || ![...names].some((n) => Object.hasOwn(props, n) && !isText(props[n]))) return d;
      changed = true;
      const next: Record<string, unknown> = { ...props };
      for (const n of names) if (Object.hasOwn(props, n) && !isText(props[n])) next[n] = asText(props[n]!);
      return { ...d, parameters: { ...d.parameters, properties: next } };
    });
    return { ...tool, functionDeclarations };
  });
  return changed ? { ...body, tools } : body;
}

/** The parameter as JSON text, keeping its description and nullability (a union keeps them on its branches). */
function asText(schema: Record<string, unknown>): Record<string, unknown> {
  const first = Array.isArray(schema.anyOf) ? (schema.anyOf[0] as Record<string, unknown> | undefined) : undefined;
  const said = schema.description ?? first?.description;
  const description = typeof said === 'string' ? `${said} ${JSON_TEXT_NOTE}` : JSON_TEXT_NOTE;
  const nullable = (schema.nullable ?? first?.nullable) === true;
  return nullable ? { type: 'string', description, nullable: true } : { type: 'string', description };
}

/** Parameters a model's upstream refused, per model: its later requests ask for them as text at once. */
const refused = new ProviderMemo<Map<string, Set<string>>>();

/** What the attempt's model refused before (undefined when nothing). */
export function knownTextProperties(attempt: Attempt): TextProperties | undefined {
  return refused.get(attempt.provider, attempt.target.model);
}

export function rememberTextProperties(attempt: Attempt, found: TextProperties): void {
  const known = refused.get(attempt.provider, attempt.target.model) ?? new Map<string, Set<string>>();
  for (const [tool, props] of found) known.set(tool, new Set([...(known.get(tool) ?? []), ...props]));
  refused.set(attempt.provider, attempt.target.model, known);
}
