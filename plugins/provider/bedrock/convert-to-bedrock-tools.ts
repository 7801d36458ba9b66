import { upgradeSchema } from '../../../core/util/upgrade-json-schema.ts';
import type { ChatRequest, ToolDefinition } from '../../../core/types/hub.ts';
import { convertToBedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { CACHE_POINT, type BedrockBlock, type BedrockMessage } from './convert-to-bedrock-messages.ts';

/**
 * The request's tools as Converse `toolConfig`, or undefined for none:
 * - each tool is a `toolSpec` with its JSON schema in `inputSchema.json` (an object schema at
 *   the root, as Converse requires), followed by a `cachePoint` when an Anthropic client marked
 *   it with `cache_control`;
 * - `auto` → `{auto:{}}`, `required` → `{any:{}}`, a named tool → `{tool:{name}}`; a forced
 *   choice becomes `auto` with extended thinking on (Claude refuses the pair);
 * - `none` sends no tools, since Converse has no such choice: unless the history holds tool
 *   blocks, which Converse refuses without a `toolConfig`. Then, and when a conversation with
 *   tool calls comes without its tools, the tools are declared but the model may call them.
 *   Tools the history names but the request does not declare get a bare object schema;
 * - a JSON response format adds the structured-output tool (`convertToBedrockJsonTool`), and
 *   the choice becomes: that tool (`{tool:{name}}`) when no client tool is offered (none
 *   declared, or `none`: the forced call keeps the model off the tools the history declares);
 *   `{any:{}}` when client tools are offered with `auto` or `required`, so the model may call
 *   them first and gives its answer through the JSON tool afterwards; the client's own named
 *   tool when it forces one; `auto` with extended thinking.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html
 */
export function convertToBedrockTools(req: ChatRequest, messages: readonly BedrockMessage[], thinking: boolean): Record<string, unknown> | undefined {
  const history = toolBlocksIn(messages);
  const declared = req.tools ?? [];
  const json = convertToBedrockJsonTool(req);
  if (!json && !history.any && (declared.length === 0 || req.toolChoice === 'none')) return undefined;
  const tools: BedrockBlock[] = [];
  if (history.any || req.toolChoice !== 'none') {
    tools.push(...declared.flatMap((t) => [toolSpec(t), ...(t.providerOptions?.anthropic?.cache_control ? [CACHE_POINT] : [])]));
    const names = new Set(declared.map((t) => t.name));
    for (const name of history.names) if (!names.has(name)) tools.push(bareSpec(name));
    // Results without their calls (a trimmed history) and no tools: still a toolConfig.
    if (tools.length === 0 && !json) tools.push(bareSpec('tool'));
  }
  if (json) tools.push(json.spec);
  const config: Record<string, unknown> = { tools };
  const offered = req.toolChoice !== 'none' && declared.length > 0;
  const choice = json ? jsonChoiceOf(req.toolChoice, json.name, offered, thinking) : offered ? toolChoiceOf(req.toolChoice, thinking) : undefined;
  if (choice) config.toolChoice = choice;
  return config;
}

/** The choice beside the structured-output tool (see `convertToBedrockTools`). */
function jsonChoiceOf(choice: ChatRequest['toolChoice'], jsonTool: string, offered: boolean, thinking: boolean): Record<string, unknown> {
  if (thinking) return { auto: {} };
  if (!offered) return { tool: { name: jsonTool } };
  return typeof choice === 'object' ? { tool: { name: choice.name } } : { any: {} };
}

function bareSpec(name: string): BedrockBlock {
  return { toolSpec: { name, inputSchema: { json: { type: 'object', properties: {} } } } };
}

/**
 * A tool as a `toolSpec`. Bedrock checks `inputSchema.json` against JSON Schema draft 2020-12
 * ("The json schema definition at toolConfig.tools.1.toolSpec.inputSchema is invalid. Fix the
 * following errors and try again: $.properties: null found, object expected") and refuses the
 * whole request for one tool: the schema goes in that draft's forms (`upgradeSchema`, meaning kept).
 */
function toolSpec(t: ToolDefinition): BedrockBlock {
  const schema = t.parameters && typeof t.parameters === 'object' ? (upgradeSchema(t.parameters) as Record<string, unknown>) : {};
  const json = schema.type === undefined ? { type: 'object', properties: {}, ...schema } : schema;
  return { toolSpec: { name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: { json } } };
}

function toolChoiceOf(choice: ChatRequest['toolChoice'], thinking: boolean): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || thinking) return { auto: {} };
  if (choice === 'required') return { any: {} };
  return typeof choice === 'object' ? { tool: { name: choice.name } } : undefined;
}

/** The tool names the history's calls use, and whether it holds any tool block at all. */
function toolBlocksIn(messages: readonly BedrockMessage[]): { names: Set<string>; any: boolean } {
  const names = new Set<string>();
  let any = false;
  for (const m of messages) {
    for (const b of m.content) {
      const use = b.toolUse as { name?: unknown } | undefined;
      if (typeof use?.name === 'string') names.add(use.name);
      if ('toolUse' in b || 'toolResult' in b) any = true;
    }
  }
  return { names, any };
}
