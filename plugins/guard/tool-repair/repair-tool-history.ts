import type { Message, ToolCallPart, ToolResultPart } from '../../../core/types/hub.ts';

/** A history with every tool call answered, and what it took. */
export interface RepairedHistory {
  messages: Message[];
  /** Calls that had no result and were answered as interrupted. */
  answered: number;
  /** Results of calls the history does not hold, left out. */
  dropped: number;
}

/**
 * Pairs every tool call with a result, as every provider requires: the calls of an assistant
 * message must be answered by the tool messages right after it. A call without a result gets
 * `text` (as an error result) in a tool message at the end of that run of tool messages; a result
 * whose call is not in the assistant message before its run is left out (a tool message left
 * empty goes). Undefined when the history is already paired. The input is not changed.
 */
export function repairToolHistory(messages: readonly Message[], text: string): RepairedHistory | undefined {
  const out: Message[] = [];
  let answered = 0;
  let dropped = 0;
  let i = 0;
  while (i < messages.length) {
    const m = messages[i]!;
    const calls = m.role === 'assistant' ? m.content.filter((p): p is ToolCallPart => p.type === 'tool-call') : [];
    if (m.role !== 'tool') out.push(m);
    i++;
    if (m.role === 'tool') {
      // Tool results that follow no assistant message with calls.
      dropped += m.content.filter((p) => p.type === 'tool-result').length;
      const rest = m.content.filter((p) => p.type !== 'tool-result');
      if (rest.length > 0) out.push({ ...m, content: rest });
      continue;
    }
    if (calls.length === 0) continue;
    const open = new Map(calls.map((c) => [c.id, c]));
    for (; i < messages.length && messages[i]!.role === 'tool'; i++) {
      const t = messages[i]!;
      const kept = t.content.filter((p) => p.type !== 'tool-result' || open.delete(p.toolCallId));
      dropped += t.content.length - kept.length;
      if (kept.length === t.content.length) out.push(t);
      else if (kept.length > 0) out.push({ ...t, content: kept });
    }
    if (open.size > 0) {
      answered += open.size;
      const results: ToolResultPart[] = [...open.values()].map((c) => ({
        type: 'tool-result', toolCallId: c.id, name: c.name, content: [{ type: 'text', text }], isError: true,
      }));
      out.push({ role: 'tool', content: results });
    }
  }
  return answered === 0 && dropped === 0 ? undefined : { messages: out, answered, dropped };
}
