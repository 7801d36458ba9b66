import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, ToolDefinition } from '../../../core/types/hub.ts';
import { customToolDefinition } from './custom-tools.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';

/**
 * The tools a Responses client declares, in the hub's flat form, and how each is written back.
 *
 * Codex since 0.147 sends an empty top-level `tools` list and declares its tools in an
 * `additional_tools` input item at the head of `input`, each MCP server's tools grouped in a
 * `namespace` tool. A call of a namespaced tool is a `function_call` (or `custom_tool_call`)
 * item with a `namespace` field, the tool's own `name` beside it. No other API has namespaces:
 * the hub gets every tool flat, a namespaced one as `<namespace>__<name>` (Codex's own name for
 * an MCP tool before namespaces, so models know the form), and the client gets its calls back in
 * its own form (`toolForms`). A Responses upstream on the passthrough lane gets the body as sent.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */

/**
 * How one hub tool is written back to the client: its calls are `function_call` items, or
 * `custom_tool_call` items for a custom (freeform) tool (see `custom-tools.ts`), or
 * `tool_search_call` items for the tool search the client runs itself (below).
 */
export interface ToolForm {
  /** The tool's name in its namespace (the hub name when it has none). */
  name: string;
  namespace?: string;
  kind: 'function' | 'custom' | 'tool_search';
}

/**
 * The hub name of a tool search the client runs itself (`{type: "tool_search", execution:
 * "client"}`; Codex 0.144 puts its MCP tools behind one). Any upstream gets it as a function:
 * the model calls it, the client gets a `tool_search_call` item with the arguments, runs the
 * search, and sends the tools it found back in a `tool_search_output` item, which become tools
 * of the next request (`declaredTools`) and its result (`toolSearchResult`).
 */
export const TOOL_SEARCH = 'tool_search';

/** The arguments a client-run tool search takes when the tool does not say (Codex's BM25 search). */
const TOOL_SEARCH_PARAMETERS = {
  type: 'object',
  properties: {
    query: { type: 'string', description: 'What the tool you need does, in a few words.' },
    limit: { type: 'integer', description: 'How many tools to find at most.' },
  },
  required: ['query'],
};

/** The hub name of tool `name` in `namespace`. */
export function flatToolName(namespace: string | null | undefined, name: string): string {
  return namespace ? `${namespace.replace(/_+$/, '')}__${name}` : name;
}

/** Tool types the hub carries: functions, custom tools, and namespaces of those. */
export const TRANSLATED_TOOL_TYPES: ReadonlySet<string> = new Set(['function', 'custom', 'namespace']);

type Json = Record<string, unknown>;

/**
 * The hub tools of a request: its top-level `tools`, then those of its `additional_tools` items
 * and of the `tool_search_output` items of a tool search the client ran (a tool declared again
 * replaces the earlier one, in its place); a client-run tool search is a function too. Built-in
 * tools (`web_search`…) are returned in `native`, for a Responses upstream.
 */
export function declaredTools(tools: readonly unknown[] | null | undefined, items: readonly unknown[]): { hub: ToolDefinition[]; native: unknown[] } {
  const hub = new Map<string, ToolDefinition>();
  const native: unknown[] = [];
  const add = (raw: unknown, namespace?: string): void => {
    const tool = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    if (tool.type === 'namespace' && !namespace && typeof tool.name === 'string' && Array.isArray(tool.tools)) {
      for (const inner of tool.tools) add(inner, tool.name);
      return;
    }
    const def = hubTool(tool, namespace);
    if (def) hub.set(def.name, def);
    else if (!namespace) native.push(raw);
  };
  for (const tool of tools ?? []) add(tool);
  for (const item of items) {
    const i = item as Json;
    if ((i?.type === 'additional_tools' || i?.type === 'tool_search_output') && Array.isArray(i.tools)) for (const tool of i.tools) add(tool);
  }
  return { hub: [...hub.values()], native };
}

/** A function or custom tool in the hub's form (flat name, its client form noted), else undefined. */
function hubTool(tool: Json, namespace?: string): ToolDefinition | undefined {
  if (tool.type === 'tool_search' && tool.execution === 'client' && !namespace) return toolSearchTool(tool);
  if (typeof tool.name !== 'string' || tool.name.length === 0) return undefined;
  let def: ToolDefinition;
  if (tool.type === 'custom') {
    def = customToolDefinition(tool);
  } else if (tool.type === 'function') {
    def = { name: tool.name, parameters: (tool.parameters as Json | null | undefined) ?? { type: 'object', properties: {} } };
    if (typeof tool.description === 'string') def.description = tool.description;
    if (typeof tool.strict === 'boolean') def.strict = tool.strict;
  } else {
    return undefined;
  }
  if (!namespace) return def;
  const own = def.providerOptions?.[RESPONSES_ORIGIN] ?? {};
  return { ...def, name: flatToolName(namespace, tool.name), providerOptions: { [RESPONSES_ORIGIN]: { ...own, namespace, name: tool.name } } };
}

/** The function form of a client-run tool search. */
function toolSearchTool(tool: Json): ToolDefinition {
  const own = tool.parameters as Json | null | undefined;
  const parameters = own && typeof own === 'object' && Object.keys((own.properties as Json | undefined) ?? {}).length > 0 ? own : TOOL_SEARCH_PARAMETERS;
  const description = typeof tool.description === 'string' && tool.description
    ? tool.description
    : 'Searches the tools that are not listed yet (those of MCP servers) by what they do; the tools it finds can be called from the next turn on.';
  return { name: TOOL_SEARCH, description, parameters, providerOptions: { [RESPONSES_ORIGIN]: { toolSearch: true } } };
}

/** The result a model reads for a client's `tool_search_output`: the tools found, by the names it calls them with. */
export function toolSearchResult(tools: readonly unknown[]): string {
  const found = declaredTools([], [{ type: 'additional_tools', tools }]).hub;
  if (found.length === 0) return 'No tools found.';
  return `Tools found (callable now):\n${found.map((t) => `- ${t.name}${t.description ? `: ${t.description.split('\n')[0]}` : ''}`).join('\n')}`;
}

/**
 * How each of the request's tools is written back, for the tools that are not plain functions
 * under their own name (undefined when there are none): a custom tool, one in a namespace, a
 * client-run tool search.
 */
export function toolForms(req: GatewayRequest): ReadonlyMap<string, ToolForm> | undefined {
  const tools = (req.body as ChatRequest | undefined)?.tools;
  if (!tools) return undefined;
  let forms: Map<string, ToolForm> | undefined;
  for (const t of tools) {
    const o = t.providerOptions?.[RESPONSES_ORIGIN];
    if (!o || (o.custom !== true && o.toolSearch !== true && typeof o.namespace !== 'string')) continue;
    const kind = o.custom === true ? 'custom' : o.toolSearch === true ? 'tool_search' : 'function';
    const form: ToolForm = { name: typeof o.name === 'string' ? o.name : t.name, kind };
    if (typeof o.namespace === 'string') form.namespace = o.namespace;
    (forms ??= new Map()).set(t.name, form);
  }
  return forms;
}
