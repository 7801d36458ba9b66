import { isSummaryText } from './compact-prompt.ts';

/** How much of the user's own messages an emulated compaction keeps, in ~4-character tokens. */
export const KEPT_USER_TOKENS = 20_000;
const CHARS_PER_TOKEN = 4;

/**
 * Openings of user-role messages that a client injects as context rather than the user typing
 * them (Codex: environment, AGENTS.md, skills, shell commands, aborted turns): the client puts
 * its context back itself after a compaction, so they are not kept.
 */
const CONTEXT_OPENINGS = [
  '<environment_context>', '<user_instructions>', '<user_shell_command>', '<turn_aborted>', '<subagent_notification>',
  '<context_update>', '<skill>', '<skills_instructions>', '# agents.md instructions',
];

/**
 * The texts of the user messages an emulated compaction keeps, oldest first: the most recent
 * ones the user wrote, newest first until `budgetTokens` is spent; the message that does not fit
 * whole is cut in its middle and ends the selection. Left out: other roles, context a client
 * injected (see `CONTEXT_OPENINGS`), earlier summaries (they are summarized again), and
 * anything but text (images, files).
 */
export function selectKeptUserMessages(items: readonly unknown[], budgetTokens = KEPT_USER_TOKENS): string[] {
  const kept: string[] = [];
  let left = budgetTokens * CHARS_PER_TOKEN;
  for (let i = items.length - 1; i >= 0 && left > 0; i--) {
    const text = userText(items[i]);
    if (text === undefined) continue;
    if (text.length <= left) {
      kept.push(text);
      left -= text.length;
    } else {
      kept.push(cutMiddle(text, left));
      break;
    }
  }
  return kept.reverse();
}

/** The text a user typed in a message item; undefined for anything else. */
function userText(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { type, role, content } = item as { type?: unknown; role?: unknown; content?: unknown };
  if ((type !== undefined && type !== 'message') || role !== 'user') return undefined;
  const texts = typeof content === 'string' ? [content] : Array.isArray(content) ? content.flatMap(partText) : [];
  if (texts.some(isContext)) return undefined;
  const text = texts.filter((t) => t.length > 0).join('\n');
  return text.length === 0 || isSummaryText(text) ? undefined : text;
}

function partText(part: unknown): string[] {
  if (typeof part !== 'object' || part === null) return [];
  const p = part as { type?: unknown; text?: unknown };
  return (p.type === 'input_text' || p.type === 'text') && typeof p.text === 'string' ? [p.text] : [];
}

function isContext(text: string): boolean {
  const start = text.trimStart().slice(0, 32).toLowerCase();
  return CONTEXT_OPENINGS.some((opening) => start.startsWith(opening));
}

/** `text` shortened to `max` characters by cutting out its middle, which a marker replaces. */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `\n[… ${text.length - max} characters cut …]\n`;
  const keep = Math.max(0, max - marker.length);
  let head = text.slice(0, Math.ceil(keep / 2));
  let tail = text.slice(text.length - Math.floor(keep / 2));
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  return head + marker + tail;
}
