import type { ChatRequest } from '../../../core/types/hub.ts';
import { jsonOutputTool, toolNamesIn } from '../../../core/util/json-output-tool.ts';
import type { BedrockBlock } from './convert-to-bedrock-messages.ts';

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
 * `inputSchema.json` is the wanted schema (`jsonOutputTool`), which `convertToBedrockTools`
 * forces; the reply mappers turn that call's input back into the text of the answer. Converse
 * wants an object at the schema's root, so another root (an array, a string enum…) goes wrapped
 * as `{value: <schema>}` and `wrapped` says so; a schema without `type` gets
 * `{type: object, properties: {}}` under it, as client tools do. An empty description is
 * replaced by the default. The name is `json_output`, or `json_output_<n>` when the client's
 * tools or history already use it. Undefined when the request asks for no JSON.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use-inference-call.html
 */
export function convertToBedrockJsonTool(req: ChatRequest): BedrockJsonTool | undefined {
  const tool = jsonOutputTool(req.responseFormat, { objectRoot: objectSchema, keepEmptyDescription: false, takenNames: toolNamesIn(req) });
  if (!tool) return undefined;
  const { name, description, schema: json, wrapped } = tool;
  return { name, wrapped, spec: { toolSpec: { name, description, inputSchema: { json } } } };
}

function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return schema.type === undefined ? { type: 'object', properties: {}, ...schema } : schema;
}

