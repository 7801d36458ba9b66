import { newId } from './build-response-object.ts';
import type { ConversationItem, StoredConversation } from './conversation-store.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** A conversation as the API shows it. */
export function conversationView(c: StoredConversation): Record<string, unknown> {
  return { id: c.id, object: 'conversation', created_at: Math.floor(c.createdAt / 1000), metadata: c.metadata };
}

const ID_PREFIX: Readonly<Record<string, string>> = lookupTable({
  message: 'msg_', function_call: 'fc_', function_call_output: 'fco_', custom_tool_call: 'ctc_', custom_tool_call_output: 'ctco_', reasoning: 'rs_',
});

/**
 * An input item as the API lists it: with a `type`, a message with `status` and its content as
 * parts, and an id (`fallbackId` when it has none).
 */
export function listedItem(raw: unknown, fallbackId: string): Record<string, unknown> & { id: string } {
  const item = { ...(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}) };
  item.type = typeof item.type === 'string' ? item.type : 'message';
  if (item.type === 'message') {
    item.status ??= 'completed';
    if (typeof item.content === 'string') item.content = [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.content }];
  }
  if (typeof item.id !== 'string' || !item.id) item.id = fallbackId;
  return item as Record<string, unknown> & { id: string };
}

/** An item as a conversation keeps it (see `listedItem`), with a new id when it has none. */
export function conversationItem(raw: unknown): ConversationItem {
  const type = typeof (raw as { type?: unknown } | null)?.type === 'string' ? (raw as { type: string }).type : 'message';
  const item = listedItem(raw, newId(ID_PREFIX[type] ?? 'item_'));
  return { id: item.id, item };
}

/** Item types whose ids and statuses the gateway makes up when it lists or stores them. */
const MINTED_TYPES: ReadonlySet<string> = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output']);

/**
 * A stored item as it goes back upstream: messages and calls without the ids and statuses they
 * were listed under (the gateway made most of them; an upstream that never stored them would
 * look them up). Reasoning keeps its id (OpenAI's own reasoning is known by it), and built-in
 * tool items (`web_search_call`…) keep theirs and their status, which the API requires.
 */
export function forUpstream(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const item = raw as Record<string, unknown>;
  if (!MINTED_TYPES.has(typeof item.type === 'string' ? item.type : 'message') || (item.id === undefined && item.status === undefined)) return item;
  const { id: _id, status: _status, ...rest } = item;
  return rest;
}
