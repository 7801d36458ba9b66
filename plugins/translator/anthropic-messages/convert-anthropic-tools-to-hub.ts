import type { ReasoningEffort, ReasoningSettings, ToolChoice, ToolDefinition } from '../../../core/types/hub.ts';
import { anthropicOptions } from './convert-anthropic-messages-to-hub.ts';
import type { WireThinking, WireTool, WireToolChoice } from './anthropic-messages-request-schema.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/**
 * Splits the Messages `tools` into custom tools (hub `ToolDefinition`s, usable by every
 * provider) and Anthropic-defined tools (web search, code execution, text editor, …), which are
 * returned raw: only an Anthropic upstream can run them.
 *
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/overview
 */
export function convertAnthropicToolsToHub(tools: WireTool[] | undefined): { tools?: ToolDefinition[]; serverTools?: WireTool[] } {
  if (!tools) return {};
  const custom: ToolDefinition[] = [];
  const server: WireTool[] = [];
  for (const t of tools) {
    if (t.type !== undefined && t.type !== 'custom') {
      server.push(t);
      continue;
    }
    const def: ToolDefinition = { name: t.name as string, parameters: t.input_schema as Record<string, unknown> };
    if (t.description !== undefined) def.description = t.description;
    if (typeof t.strict === 'boolean') def.strict = t.strict;
    const options = anthropicOptions(t, ['type', 'name', 'description', 'input_schema', 'strict']);
    if (options) def.providerOptions = options;
    custom.push(def);
  }
  return { tools: custom, serverTools: server.length > 0 ? server : undefined };
}

/** Maps `tool_choice`; `any` is the hub's `required`. */
export function convertAnthropicToolChoiceToHub(choice: WireToolChoice | undefined): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (!choice) return {};
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true ? { parallelToolCalls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { toolChoice: 'auto', ...parallel };
    case 'any':
      return { toolChoice: 'required', ...parallel };
    case 'tool':
      return { toolChoice: { type: 'tool', name: choice.name }, ...parallel };
    case 'none':
      return { toolChoice: 'none' };
  }
}

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = lookupTable({ low: 'low', medium: 'medium', high: 'high', max: 'xhigh', xhigh: 'xhigh', minimal: 'minimal' });

/**
 * Maps `thinking` (+ `output_config.effort`) to hub reasoning settings. `adaptive` has no hub
 * equivalent beyond "enabled": the raw value travels in providerOptions for Anthropic upstreams.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 */
export function convertAnthropicThinkingToHub(thinking: WireThinking | undefined, effort: string | undefined): ReasoningSettings | undefined {
  const mappedEffort = effort === undefined ? undefined : EFFORTS[effort];
  if (!thinking) return mappedEffort ? { effort: mappedEffort } : undefined;
  if (thinking.type === 'disabled') return { enabled: false };
  const out: ReasoningSettings = { enabled: true, includeThoughts: true };
  if (thinking.type === 'enabled') out.budgetTokens = thinking.budget_tokens;
  if (mappedEffort) out.effort = mappedEffort;
  return out;
}
