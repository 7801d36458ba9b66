import type { Message, TextPart } from '../../../core/types/hub.ts';
import { CHARS_PER_TOKEN, estimateTokens, messageTokens } from '../../../core/util/estimate-tokens.ts';

/** A text part is never cut below this many characters. */
const MIN_TEXT = 2000;

/** What `trimMessages` removed. */
export interface Trimmed {
  messages: Message[];
  /** Whole messages left out (older turns). */
  droppedMessages: number;
  /** Text parts shortened in their middle. */
  truncatedParts: number;
}

/**
 * Shortens a conversation to about `goal` tokens, middle first, keeping what a model needs to
 * go on: the system messages and the first message (the task), and the last turn whole.
 *
 * 1. Older turns go first, oldest first. A turn is an assistant message with the messages that
 *    follow it up to the next assistant message (its tool results, the user's reply), so a tool
 *    call never loses its result and roles keep alternating.
 * 2. If that is not enough, the longest text parts (a file a tool read, a pasted log) are cut in
 *    their middle, head and tail kept, with a note saying how much was removed.
 *
 * Answers undefined when nothing could be removed.
 */
export function trimMessages(messages: readonly Message[], goal: number): Trimmed | undefined {
  let head = 0;
  while (head < messages.length && messages[head]!.role === 'system') head++;
  if (head < messages.length) head++; // the first message: the task
  const units = turnsOf(messages, head);
  let total = estimateTokens({ messages });
  let dropped = 0;
  let from = 0;
  // The last turn always stays.
  while (total > goal && from < units.length - 1) {
    const [start, end] = units[from++]!;
    for (let i = start; i < end; i++) total -= messageTokens(messages[i]!);
    dropped += end - start;
  }
  const keptFrom = from < units.length ? units[from]![0] : messages.length;
  let out = [...messages.slice(0, head), ...messages.slice(keptFrom)];
  let truncated = 0;
  if (total > goal) {
    const cut = cutLongTexts(out, (total - goal) * CHARS_PER_TOKEN);
    out = cut.messages;
    truncated = cut.count;
  }
  if (dropped === 0 && truncated === 0) return undefined;
  return { messages: out, droppedMessages: dropped, truncatedParts: truncated };
}

/** [start, end) of each turn after the head: a turn starts at an assistant message. */
function turnsOf(messages: readonly Message[], head: number): Array<[number, number]> {
  const units: Array<[number, number]> = [];
  let start = head;
  for (let i = head + 1; i <= messages.length; i++) {
    if (i === messages.length || messages[i]!.role === 'assistant') {
      if (i > start) units.push([start, i]);
      start = i;
    }
  }
  return units;
}

/**
 * Cuts `excess` characters out of the longest text parts (text and tool-result text, not system
 * messages), largest first, each kept at MIN_TEXT characters or more. Parts are replaced, never
 * changed in place: the request the client sent stays as it was.
 */
function cutLongTexts(messages: Message[], excess: number): { messages: Message[]; count: number } {
  type Ref = { m: number; p: number; c?: number; length: number };
  const refs: Ref[] = [];
  messages.forEach((msg, m) => {
    if (msg.role === 'system') return;
    msg.content.forEach((part, p) => {
      if (part.type === 'text' && part.text.length > MIN_TEXT) refs.push({ m, p, length: part.text.length });
      if (part.type === 'tool-result') {
        part.content.forEach((c, ci) => {
          if (c.type === 'text' && c.text.length > MIN_TEXT) refs.push({ m, p, c: ci, length: c.text.length });
        });
      }
    });
  });
  refs.sort((a, b) => b.length - a.length);
  const out = messages.map((msg) => ({ ...msg, content: [...msg.content] }));
  let left = excess;
  let count = 0;
  for (const r of refs) {
    if (left <= 0) break;
    const remove = Math.min(left, r.length - MIN_TEXT);
    if (remove <= 0) continue;
    const content = out[r.m]!.content;
    const part = content[r.p]!;
    if (r.c === undefined) {
      content[r.p] = { ...(part as TextPart), text: cutMiddle((part as TextPart).text, remove) };
    } else if (part.type === 'tool-result') {
      const inner = [...part.content];
      const t = inner[r.c] as TextPart;
      inner[r.c] = { ...t, text: cutMiddle(t.text, remove) };
      content[r.p] = { ...part, content: inner };
    }
    left -= remove;
    count++;
  }
  return { messages: out, count };
}

/** `text` without `remove` characters from its middle, with a note in their place. */
export function cutMiddle(text: string, remove: number): string {
  const keep = text.length - remove;
  let headEnd = Math.ceil(keep / 2);
  let tailStart = text.length - (keep - headEnd);
  // Never split a surrogate pair.
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--;
  if (isHighSurrogate(text.charCodeAt(tailStart - 1))) tailStart++;
  return `${text.slice(0, headEnd)}\n[… ${tailStart - headEnd} characters removed by Switchyard to fit the model's context window …]\n${text.slice(tailStart)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
