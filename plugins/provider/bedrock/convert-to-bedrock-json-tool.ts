import type { ChatRequest } from '../../../core/types/hub.ts';
import { needsValueWrap, wrapValueSchema } from '../../../core/util/unwrap-json-value.ts';
import type { BedrockBlock } from './convert-to-bedrock-messages.ts';

/** Name of the forced tool that carries a structured answer, unless a client tool has it. */
export const JSON_TOOL_NAME = 'json_output';

/** The structured-output tool of one call, as the request and the reply mappers know it. */
export interface BedrockJsonTool {
  /** The tool's name: the answer is the input of the call of this tool. */
  name: string;
  /** The wanted schema went wrapped as `{value: …}`: the answer is the input's `value`. */
  wrapped: boolean;
  /** The `toolConfig.tools` entry. */
  spec: BedrockBlock;
}

/**
 * The tool trick for Converse: a `json` or `json_schema` response format becomes a tool whose
 * `inputSchema.json` is the wanted schema (`{type: object}` for plain JSON), which
 * `convertToBedrockTools` forces; the reply mappers turn that call's input back into the text
 * of the answer. Converse wants an object at the schema's root, so another root (an array, a
 * string enum…) goes wrapped as `{value: <schema>}` and `wrapped` says so. The name is
 * `json_output`, or `json_output_<n>` when the client's tools or history already use it.
 * Undefined when the request asks for no JSON.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use-inference-call.html
 */
export function convertToBedrockJsonTool(req: ChatRequest): BedrockJsonTool | undefined {
  const format = req.responseFormat;
  if (format?.type !== 'json' && format?.type !== 'json_schema') return undefined;
  const name = freeName(req);
  const wrapped = format.type === 'json_schema' && needsValueWrap(format.schema);
  let json: Record<string, unknown> = { type: 'object', additionalProperties: true };
  if (format.type === 'json_schema') json = wrapped ? wrapValueSchema(format.schema) : objectSchema(format.schema);
  const description = (format.type === 'json_schema' ? format.description : undefined)
    || (wrapped ? 'Give your final answer by calling this tool once, with the answer as its `value`.' : 'Give your final answer by calling this tool once, with the answer as its input.');
  return { name, wrapped, spec: { toolSpec: { name, description, inputSchema: { json } } } };
}

/** The answer carried by the tool's input: its `value` when the schema went wrapped. */
export function jsonToolAnswer(input: unknown, wrapped: boolean): unknown {
  if (!wrapped || typeof input !== 'object' || input === null || !('value' in input)) return input;
  return (input as { value: unknown }).value;
}

function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return schema.type === undefined ? { type: 'object', properties: {}, ...schema } : schema;
}

/** `json_output`, or the first `json_output_<n>` no tool of the request or its history is named. */
function freeName(req: ChatRequest): string {
  const taken = new Set((req.tools ?? []).map((t) => t.name));
  for (const m of req.messages) for (const p of m.content) if (p.type === 'tool-call') taken.add(p.name);
  let name = JSON_TOOL_NAME;
  for (let n = 2; taken.has(name); n++) name = `${JSON_TOOL_NAME}_${n}`;
  return name;
}
