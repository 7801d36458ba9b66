import type { Message } from '../../../core/types/hub.ts';

/** How a rule's text joins the client's own system prompt. */
export type InjectMode = 'prepend' | 'append' | 'replace';

const system = (text: string): Message => ({ role: 'system', content: [{ type: 'text', text }] });

/**
 * Adds an operator's system prompt to a conversation, as its own system message so the
 * client's text (and any prompt-cache markers on it) stays untouched:
 * - `prepend`: before every other message;
 * - `append`: right after the conversation's leading system messages (first when there are none);
 * - `replace`: every system message of the client is removed, the rule's text is the only one
 *   (an empty text just removes them).
 * Every provider joins several system messages into its own system field.
 */
export function applySystemPrompt(messages: readonly Message[], mode: InjectMode, text: string): Message[] {
  if (mode === 'replace') {
    const rest = messages.filter((m) => m.role !== 'system');
    return text ? [system(text), ...rest] : rest;
  }
  if (!text) return [...messages];
  if (mode === 'prepend') return [system(text), ...messages];
  let lead = 0;
  while (lead < messages.length && messages[lead].role === 'system') lead++;
  return [...messages.slice(0, lead), system(text), ...messages.slice(lead)];
}
