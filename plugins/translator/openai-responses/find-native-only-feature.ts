/**
 * Responses features only an OpenAI Responses upstream understands: built-in tools
 * (`file_search`, `mcp`, `local_shell`…), their input items (`mcp_call`…), other tool choices
 * and stored prompts. Custom (freeform) tools are not among them: they go to any upstream as
 * functions (see `custom-tools.ts`), nor is an `allowed_tools` choice that lists only such
 * tools, nor are the optional tools below. The translator keeps the others in
 * `providerOptions['openai-responses']` for that upstream and refuses any other one.
 */

import { allowedFunctionTools } from './allowed-function-tools.ts';
import { TRANSLATED_TOOL_TYPES } from './client-tools.ts';

/** Input item types the gateway translates into the hub. */
export const TRANSLATED_ITEM_TYPES: ReadonlySet<string> = new Set([
  'message',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'reasoning',
  // Tool declarations (Codex's), read by `declaredTools`: the built-in tools among them are looked for below.
  'additional_tools',
]);

/**
 * Built-in tools a request may offer and still go to any upstream: hosted web search, which Codex
 * offers on every request since 0.92 (other upstreams answer without it), and tool search (the
 * one Codex runs itself, `execution: "client"`, is a function for other upstreams, see
 * `client-tools.ts`; one OpenAI runs is left out). A `tool_choice` that forces one still needs a
 * Responses upstream. Their input items are records of what they did, left out of the
 * conversation other upstreams get (the answer that used them stays), but for a client-run tool
 * search's call and output.
 */
export const OPTIONAL_TOOL_TYPES: ReadonlySet<string> = new Set([
  'web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11', 'tool_search',
]);
export const OPTIONAL_ITEM_TYPES: ReadonlySet<string> = new Set(['web_search_call', 'tool_search_call', 'tool_search_output']);

/**
 * Names the first native-only feature in a client body, or returns undefined when the request
 * can go to any provider. Pure and cheap: it only looks at `tools`, `tool_choice`, `prompt` and
 * the item types of `input`.
 */
export function findNativeOnlyFeature(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const builtIn = builtInTool(b.tools);
  if (builtIn !== undefined) return builtIn;
  if (typeof b.tool_choice === 'object' && b.tool_choice !== null && allowedFunctionTools(b.tool_choice) === undefined) {
    const type = typeOf(b.tool_choice);
    if (type !== undefined && !TRANSLATED_TOOL_TYPES.has(type)) return `tool_choice of type "${type}"`;
  }
  if (b.prompt !== undefined && b.prompt !== null) return 'stored prompts (prompt)';
  if (Array.isArray(b.input)) {
    for (const item of b.input) {
      const type = typeOf(item);
      if (type !== undefined && !TRANSLATED_ITEM_TYPES.has(type) && !OPTIONAL_ITEM_TYPES.has(type)) return `input items of type "${type}"`;
      const declared = type === 'additional_tools' ? builtInTool((item as { tools?: unknown }).tools) : undefined;
      if (declared !== undefined) return declared;
    }
  }
  return undefined;
}

/** The first built-in tool of a `tools` list (inside namespaces too), named for the error. */
function builtInTool(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const tool of tools) {
    const type = typeOf(tool);
    if (type === undefined || OPTIONAL_TOOL_TYPES.has(type)) continue;
    if (!TRANSLATED_TOOL_TYPES.has(type)) return `the built-in tool "${type}"`;
    const inner = type === 'namespace' ? builtInTool((tool as { tools?: unknown }).tools) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as Record<string, unknown>).type;
  return typeof type === 'string' ? type : undefined;
}
