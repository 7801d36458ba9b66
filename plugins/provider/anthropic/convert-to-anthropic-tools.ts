import type { ChatRequest, ToolDefinition } from '../../../core/types/hub.ts';
import { jsonOutputTool, toolNamesIn } from '../../../core/util/json-output-tool.ts';

/** `tools` and `tool_choice` for the body, and the tool-trick tool name when it is used. */
export interface AnthropicTools {
  tools?: Record<string, unknown>[];
  toolChoice?: Record<string, unknown>;
  jsonTool?: string;
  /** The tool's schema is the wanted one wrapped as `{value: …}`: the answer is its `value`. */
  jsonWrapped?: boolean;
}

/**
 * Converts hub tools, tool choice and (unless native structured output is used) a JSON
 * response format into Messages `tools` / `tool_choice`.
 *
 * The tool trick: a `json_object`/`json_schema` response format becomes a tool named
 * `json_output` whose `input_schema` is the wanted schema (`jsonOutputTool`), forced with
 * `tool_choice`; the reply mappers turn that tool's input back into text. With the client's own
 * tools offered (`auto` or `required`) the choice is `any` instead, so the model may still call
 * them first; a tool the client forces by name stays forced, and with `none` the JSON tool is
 * forced (the client's tools stay declared for the history, but are not called). With
 * thinking on, forced choices become `auto`, which is the only kind the API accepts together
 * with thinking. `input_schema` must be an object: a schema with another root (array, string…)
 * is wrapped as `{value: <schema>}` and `jsonWrapped` tells the reply mappers to hand back the
 * bare value. When a client tool (or a call in the history, or a server tool) already has the
 * name `json_output`, the tool takes the first free `json_output_<n>`; a format's empty
 * description is sent as it is.
 *
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 * @see https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
 */
export function convertToAnthropicTools(
  req: ChatRequest,
  serverTools: Record<string, unknown>[] | undefined,
  opts: { native: boolean; thinking: boolean },
): AnthropicTools {
  const tools: Record<string, unknown>[] = (req.tools ?? []).map(convertTool);
  for (const t of serverTools ?? []) tools.push(t);
  let choice = toolChoiceOf(req, tools.length > 0);
  const json = opts.native
    ? undefined
    : jsonOutputTool(req.responseFormat, {
      objectRoot: inputSchema, keepEmptyDescription: true,
      takenNames: [...toolNamesIn(req), ...(serverTools ?? []).map((t) => String(t.name))],
    });
  if (json) {
    const offered = tools.length > 0 && req.toolChoice !== 'none';
    tools.push({ name: json.name, description: json.description, input_schema: json.schema });
    const parallel = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
    const named = typeof req.toolChoice === 'object' ? req.toolChoice.name : undefined;
    choice = !offered ? { type: 'tool', name: json.name, ...parallel } : { ...(named ? { type: 'tool', name: named } : { type: 'any' }), ...parallel };
  }
  if (opts.thinking && choice && (choice.type === 'any' || choice.type === 'tool')) {
    const { name: _name, ...rest } = choice;
    choice = { ...rest, type: 'auto' };
  }
  const out: AnthropicTools = {};
  if (tools.length > 0) out.tools = tools;
  if (choice && tools.length > 0) out.toolChoice = choice;
  if (json) out.jsonTool = json.name;
  if (json?.wrapped) out.jsonWrapped = true;
  return out;
}

function convertTool(t: ToolDefinition): Record<string, unknown> {
  const tool: Record<string, unknown> = { name: t.name };
  if (t.description) tool.description = t.description;
  tool.input_schema = inputSchema(t.parameters);
  const extra = t.providerOptions?.anthropic;
  if (extra) Object.assign(tool, extra);
  return tool;
}

/** `input_schema` must be an object schema; a schema without `type` is taken as one. */
function inputSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!schema || Object.keys(schema).length === 0) return { type: 'object', properties: {} };
  if (schema.type === undefined) return { type: 'object', ...schema };
  return schema;
}

function toolChoiceOf(req: ChatRequest, hasTools: boolean): Record<string, unknown> | undefined {
  if (!hasTools) return undefined;
  const parallel = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const c = req.toolChoice;
  if (c === undefined) return req.parallelToolCalls === false ? { type: 'auto', ...parallel } : undefined;
  if (c === 'none') return { type: 'none' };
  if (c === 'auto') return { type: 'auto', ...parallel };
  if (c === 'required') return { type: 'any', ...parallel };
  return { type: 'tool', name: c.name, ...parallel };
}
