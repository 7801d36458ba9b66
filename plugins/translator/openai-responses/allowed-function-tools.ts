import { flatToolName } from './client-tools.ts';

/**
 * `tool_choice: {type: "allowed_tools", mode, tools}` that lists only function and custom tools:
 * the mode and the names it allows, which every upstream can honour by being sent only those
 * tools (as an OpenAI Chat client's `allowed_tools`). Undefined for any other choice; the choice
 * itself also stays in the wire extras for a Responses upstream.
 */
export function allowedFunctionTools(choice: unknown): { mode: 'auto' | 'required'; names: Set<string> } | undefined {
  if (typeof choice !== 'object' || choice === null) return undefined;
  const c = choice as Record<string, unknown>;
  if (c.type !== 'allowed_tools' || (c.mode !== 'auto' && c.mode !== 'required') || !Array.isArray(c.tools)) return undefined;
  const names = new Set<string>();
  for (const t of c.tools as unknown[]) {
    const tool = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if ((tool.type !== 'function' && tool.type !== 'custom') || typeof tool.name !== 'string') return undefined;
    names.add(flatToolName(typeof tool.namespace === 'string' ? tool.namespace : undefined, tool.name));
  }
  return names.size > 0 ? { mode: c.mode, names } : undefined;
}
