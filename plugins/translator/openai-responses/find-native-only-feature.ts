/**
 * Responses features only an OpenAI Responses upstream understands: built-in tools
 * (`web_search`, `file_search`, `mcp`…), their input items (`web_search_call`…), other tool
 * choices and stored prompts. Custom (freeform) tools are not among them: they go to any
 * upstream as functions (see `custom-tools.ts`), nor is an `allowed_tools` choice that lists
 * only such tools. The translator keeps the others in `providerOptions['openai-responses']` for
 * that upstream and refuses any other one.
 */

import { allowedFunctionTools } from './allowed-function-tools.ts';

/** Input item types the gateway translates into the hub. */
export const TRANSLATED_ITEM_TYPES: ReadonlySet<string> = new Set([
  'message',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'reasoning',
]);

/** Tool types the gateway translates into the hub. */
const TRANSLATED_TOOL_TYPES: ReadonlySet<string> = new Set(['function', 'custom']);

/**
 * Names the first native-only feature in a client body, or returns undefined when the request
 * can go to any provider. Pure and cheap: it only looks at `tools`, `tool_choice`, `prompt` and
 * the item types of `input`.
 */
export function findNativeOnlyFeature(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.tools)) {
    for (const tool of b.tools) {
      const type = typeOf(tool);
      if (type !== undefined && !TRANSLATED_TOOL_TYPES.has(type)) return `the built-in tool "${type}"`;
    }
  }
  if (typeof b.tool_choice === 'object' && b.tool_choice !== null && allowedFunctionTools(b.tool_choice) === undefined) {
    const type = typeOf(b.tool_choice);
    if (type !== undefined && !TRANSLATED_TOOL_TYPES.has(type)) return `tool_choice of type "${type}"`;
  }
  if (b.prompt !== undefined && b.prompt !== null) return 'stored prompts (prompt)';
  if (Array.isArray(b.input)) {
    for (const item of b.input) {
      const type = typeOf(item);
      if (type !== undefined && !TRANSLATED_ITEM_TYPES.has(type)) return `input items of type "${type}"`;
    }
  }
  return undefined;
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as Record<string, unknown>).type;
  return typeof type === 'string' ? type : undefined;
}
