type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null;
}

/** A text block with nothing but whitespace (or nothing) in it. */
function isBlankText(block: unknown): boolean {
  return isObject(block) && block.type === 'text' && typeof block.text === 'string' && !/\S/.test(block.text);
}

/**
 * A message whose content holds a blank text block, is blank text itself, or is an empty list
 * (the API wants content in every message but a final assistant one: "all messages must have
 * non-empty content except for the optional final assistant message").
 */
function hasBlank(m: unknown, last: boolean): boolean {
  if (!isObject(m)) return false;
  const content = m.content;
  if (typeof content === 'string') return !/\S/.test(content);
  if (!Array.isArray(content)) return false;
  return (content.length === 0 && !(last && m.role === 'assistant')) || content.some(isBlankText);
}

/** The content as a list of blocks (string content is one text block). */
function blocksOf(content: unknown): unknown[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
}

/**
 * An Anthropic client's messages without the text blocks the Messages API refuses: empty or
 * whitespace-only ("text content blocks must contain non-whitespace text"). Replies carry such
 * blocks (Anthropic's own `"\n\n"` before a tool call; another provider's blank text, translated
 * for an Anthropic client), and a client that replays its history as it got it is then refused
 * on this turn and on every later one. A message left with no content, or sent with none (an
 * interrupted turn a client kept as `content: []`), is dropped, and the two messages of one role
 * it separated are joined (the API wants turns that alternate).
 *
 * Returns undefined when no block is blank, the usual case: the body then goes as the client
 * sent it. Never changes `messages` or its messages; what is not a message passes unchanged.
 */
export function dropBlankText(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages) || !messages.some((m, i) => hasBlank(m, i === messages.length - 1))) return undefined;
  const out: unknown[] = [];
  /** A message was dropped since the last one kept. */
  let gap = false;
  for (const [i, m] of messages.entries()) {
    let message = m;
    if (hasBlank(m, i === messages.length - 1)) {
      const content = blocksOf((m as Json).content).filter((b) => !isBlankText(b));
      if (content.length === 0) {
        gap = true;
        continue;
      }
      message = { ...(m as Json), content };
    }
    const prev = out.at(-1) as Json | undefined;
    if (gap && isObject(prev) && isObject(message) && message.role === prev.role) {
      out[out.length - 1] = { ...prev, content: [...blocksOf(prev.content), ...blocksOf(message.content)] };
    } else {
      out.push(message);
    }
    gap = false;
  }
  return out;
}
