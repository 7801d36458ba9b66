import { refusal } from '../../../core/util/refused-fields.ts';
import { learnedRewrite } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * Claude Code 2.1.154 and later put `{role: "system"}` entries in `messages` (the
 * `mid-conversation-system-2026-04-07` beta: skill and hook context at the point it applies). The
 * Messages API takes them; vendors' Anthropic-format endpoints do not: DeepSeek's "messages[1].role:
 * unknown variant `system`, expected `user` or `assistant`", a strict server's "messages.1.role:
 * Input should be 'user' or 'assistant'", and the same beta refused by its flag.
 */
export const MID_CONVERSATION_SYSTEM = /^mid-conversation-system/;

/** A refusal of a `system` entry's role, in any of the wordings above. */
const ROLE_REFUSED = /\brole\b[^\n]*?(?:system|user[^\n]{0,24}assistant)|system messages? (?:are|is) not (?:allowed|supported)/i;

function isSystemEntry(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as Json).role === 'system';
}

/** True when the upstream's 400 refuses a role and the body has `system` entries in its messages. */
export function refusesSystemEntries(err: unknown, body: Json): boolean {
  const message = refusal(err)?.message;
  return message !== undefined && ROLE_REFUSED.test(message) && Array.isArray(body.messages) && body.messages.some(isSystemEntry);
}

/** The text of a `system` entry (a string, or its text blocks joined). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((b): b is Json => typeof b === 'object' && b !== null && (b as Json).type === 'text').map((b) => String(b.text)).join('\n');
}

/**
 * The messages with each `system` entry as a `<system-reminder>` text block at the same place, as
 * Claude Code itself sends them without the beta: joined to the user turn before it, or a user
 * turn of its own after an assistant turn. The same array when there is none.
 */
export function withSystemAsReminders(messages: unknown[]): unknown[] {
  if (!messages.some(isSystemEntry)) return messages;
  const out: unknown[] = [];
  for (const m of messages) {
    if (!isSystemEntry(m)) {
      out.push(m);
      continue;
    }
    const text = textOf((m as Json).content);
    if (text === '') continue;
    const block = { type: 'text', text: `<system-reminder>\n${text}\n</system-reminder>` };
    const prev = out.at(-1) as Json | undefined;
    if (prev?.role === 'user') {
      const content = typeof prev.content === 'string' ? [{ type: 'text', text: prev.content }] : Array.isArray(prev.content) ? prev.content : [];
      out[out.length - 1] = { ...prev, content: [...content, block] };
    } else {
      out.push({ role: 'user', content: [block] });
    }
  }
  return out;
}

/** Models whose upstream refused `system` entries: their later requests go with reminders at once. */
export const systemFold = learnedRewrite(withSystemAsReminders);
