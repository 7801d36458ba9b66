/**
 * The tool trick for structured output: a JSON response format becomes one tool whose input
 * schema is the wanted schema, the provider forces a call of it, and that call's input is handed
 * back as the text of the answer. Shared by the Anthropic and Bedrock providers; each puts the
 * tool into its own wire shape and chooses its own `tool_choice`.
 */
import type { ChatRequest, ResponseFormat } from '../types/hub.ts';
import { JSON_VALUE_KEY, needsValueWrap, wrapValueSchema } from './unwrap-json-value.ts';

/** Name of the tool that carries a structured answer, unless a name clash moves it on. */
export const JSON_OUTPUT_TOOL = 'json_output';

/** Description of the tool when the format has none and its schema goes as it is. */
export const JSON_TOOL_DESCRIPTION = 'Give your final answer by calling this tool once, with the answer as its input.';

/** Description of the tool when the format has none and its schema went wrapped as `{value: …}`. */
export const JSON_TOOL_WRAPPED_DESCRIPTION = 'Give your final answer by calling this tool once, with the answer as its `value`.';

/** The tool for one request, before a provider puts it into its wire shape. */
export interface JsonOutputTool {
  /** The answer is the input of the call of the tool with this name. */
  name: string;
  description: string;
  /** The input schema: always an object at its root. */
  schema: Record<string, unknown>;
  /** The wanted schema went wrapped as `{value: …}`: the answer is the input's `value`. */
  wrapped: boolean;
}

/** The rules on which the providers differ, stated by each. */
export interface JsonOutputToolOptions {
  /**
   * How the provider roots a schema at an object (the rule its client tools get too). Called
   * only for a `json_schema` whose root needs no `{value}` wrap.
   */
  objectRoot: (schema: Record<string, unknown>) => Record<string, unknown>;
  /** A format's empty description is sent as it is (true) or replaced by the default (false). */
  keepEmptyDescription: boolean;
  /**
   * Tool names the request (tools and history) already uses: the tool then takes the first
   * free `json_output_<n>` (n from 2). Without them the name is always `json_output`.
   */
  takenNames?: Iterable<string>;
}

/**
 * The structured-output tool for `format`: for `json`, any object
 * (`{type: object, additionalProperties: true}`); for `json_schema`, the wanted schema, wrapped
 * as `{value: <schema>}` when its root is not an object (`wrapped` says so), else rooted by
 * `opts.objectRoot`. The description is the format's own, else a default that says where the
 * answer goes. Undefined when the format asks for no JSON (`text`, or none). Never throws.
 */
export function jsonOutputTool(format: ResponseFormat | undefined, opts: JsonOutputToolOptions): JsonOutputTool | undefined {
  if (format?.type !== 'json' && format?.type !== 'json_schema') return undefined;
  const wrapped = format.type === 'json_schema' && needsValueWrap(format.schema);
  let schema: Record<string, unknown> = { type: 'object', additionalProperties: true };
  if (format.type === 'json_schema') schema = wrapped ? wrapValueSchema(format.schema) : opts.objectRoot(format.schema);
  const own = format.type === 'json_schema' ? format.description : undefined;
  const fallback = wrapped ? JSON_TOOL_WRAPPED_DESCRIPTION : JSON_TOOL_DESCRIPTION;
  const description = opts.keepEmptyDescription ? own ?? fallback : own || fallback;
  return { name: freeName(opts.takenNames ?? []), description, schema, wrapped };
}

/**
 * The answer a call of the tool carries: the input's `value` when the schema went wrapped, else
 * the input itself (also when a wrapped call came without `value`, so nothing is lost).
 */
export function jsonToolAnswer(input: unknown, wrapped?: boolean): unknown {
  if (!wrapped || typeof input !== 'object' || input === null || !(JSON_VALUE_KEY in input)) return input;
  return (input as Record<string, unknown>)[JSON_VALUE_KEY];
}

/** `json_output`, or the first `json_output_<n>` that is not taken. */
function freeName(takenNames: Iterable<string>): string {
  const taken = new Set(takenNames);
  let name = JSON_OUTPUT_TOOL;
  for (let n = 2; taken.has(name); n++) name = `${JSON_OUTPUT_TOOL}_${n}`;
  return name;
}

/**
 * The tool names a request already uses: its tools and the calls in its history (read lazily,
 * only when JSON is asked for). The JSON tool must not take one of them: two tools of one name
 * are refused by the APIs, and a history call of the client's own `json_output` would read as
 * the answer.
 */
export function* toolNamesIn(req: Pick<ChatRequest, 'tools' | 'messages'>): Iterable<string> {
  for (const t of req.tools ?? []) yield t.name;
  for (const m of req.messages) for (const p of m.content) if (p.type === 'tool-call') yield p.name;
}
