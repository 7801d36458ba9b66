import type { ChatRequest, ContentPart, Message, ToolResultPart } from '../../../core/types/hub.ts';
import { CHARS_PER_TOKEN, estimateTokens, messageTokens } from '../../../core/util/estimate-tokens.ts';

/** What a cleared tool result says instead of its content. */
export const CLEARED = '[This tool result was cleared to save context.]';

type Json = Record<string, unknown>;

const CLEARED_TOKENS = CLEARED.length / CHARS_PER_TOKEN;
const EMPTY_RESULT_TOKENS = messageTokens({ role: 'tool', content: [] });

/** A tool result's share of the prompt estimate, in tokens: its text and its images alike. */
function resultTokens(p: ToolResultPart): number {
  return messageTokens({ role: 'tool', content: [p] }) - EMPTY_RESULT_TOKENS;
}

/** A `clear_tool_uses_20250919` edit of `context_management`, with Anthropic's defaults. */
interface ClearToolUses {
  trigger: number;
  keep: number;
  clearAtLeast: number;
  exclude: ReadonlySet<string>;
  clearInputs: boolean;
}

/** The `clear_tool_uses` edit of a request's `context_management`, if it asks for one. */
export function clearToolUsesEdit(contextManagement: unknown): ClearToolUses | undefined {
  const edits = (contextManagement as { edits?: unknown } | undefined)?.edits;
  if (!Array.isArray(edits)) return undefined;
  const e = edits.find((x) => typeof x === 'object' && x !== null && String((x as Json).type).startsWith('clear_tool_uses')) as Json | undefined;
  if (!e) return undefined;
  const amount = (v: unknown, type: string, fallback: number) => {
    const o = v as { type?: unknown; value?: unknown } | undefined;
    return o?.type === type && typeof o.value === 'number' && o.value >= 0 ? o.value : fallback;
  };
  return {
    trigger: amount(e.trigger, 'input_tokens', 100_000),
    keep: amount(e.keep, 'tool_uses', 3),
    clearAtLeast: amount(e.clear_at_least, 'input_tokens', 0),
    exclude: new Set(Array.isArray(e.exclude_tools) ? e.exclude_tools.filter((n): n is string => typeof n === 'string') : []),
    clearInputs: e.clear_tool_inputs === true,
  };
}

/**
 * Anthropic's context editing (`clear_tool_uses`) done by the gateway, for upstreams that do not
 * do it themselves: once the prompt passes `trigger` tokens (`estimateTokens`, declared tools
 * included), the results of every tool use but the last `keep` are replaced by a short note
 * (images included: a screenshot weighs as much in the estimate as in the prompt),
 * except for the tools in `exclude_tools`; with `clear_tool_inputs` their inputs go too. When
 * that would clear less than `clear_at_least` tokens, nothing is cleared. Answers the edited
 * request, or undefined when nothing changes. The request given is not changed.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/context-editing
 */
export function applyClearToolUses(chat: ChatRequest, edit: ClearToolUses): ChatRequest | undefined {
  if (estimateTokens(chat) <= edit.trigger) return undefined;
  const calls: Array<{ id: string; name: string }> = [];
  for (const m of chat.messages) for (const p of m.content) if (p.type === 'tool-call') calls.push({ id: p.id, name: p.name });
  const doomed = new Set(calls.slice(0, Math.max(0, calls.length - edit.keep)).filter((c) => !edit.exclude.has(c.name)).map((c) => c.id));
  if (doomed.size === 0) return undefined;
  let cleared = 0;
  const messages: Message[] = chat.messages.map((m) => {
    let changed = false;
    const content = m.content.map((p): ContentPart => {
      if (p.type === 'tool-result' && doomed.has(p.toolCallId)) {
        const size = resultTokens(p);
        if (size <= CLEARED_TOKENS) return p;
        cleared += size - CLEARED_TOKENS;
        changed = true;
        return { ...p, content: [{ type: 'text', text: CLEARED }] };
      }
      if (edit.clearInputs && p.type === 'tool-call' && doomed.has(p.id) && p.arguments.length > 2) {
        cleared += (p.arguments.length - 2) / CHARS_PER_TOKEN;
        changed = true;
        return { ...p, arguments: '{}' };
      }
      return p;
    });
    return changed ? { ...m, content } : m;
  });
  if (cleared === 0 || cleared < edit.clearAtLeast) return undefined;
  return { ...chat, messages };
}
