type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isToolUse(b: unknown): b is Json & { id: string } {
  return isObject(b) && b.type === 'tool_use' && typeof b.id === 'string';
}

/** True when two tool_use blocks of the assistant turns share an id. */
function hasRepeatedId(messages: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const m of messages) {
    if (!isObject(m) || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (!isToolUse(b)) continue;
      if (seen.has(b.id)) return true;
      seen.add(b.id);
    }
  }
  return false;
}

/**
 * The conversation with every `tool_use` id unique, as the Messages API wants ("messages.1.content.1:
 * `tool_use` ids must be unique"), or undefined when they already are (the usual case: the
 * client's body then goes as it is). A history gets repeated ids two ways, and every later turn
 * was refused for them:
 * - a call repeated whole in one assistant turn (Claude Code 2.1.19 sent its tool calls twice):
 *   the repeat is left out, and so is a second result for it;
 * - an id used again by another call (in the same turn, or a later one: an upstream that numbers
 *   its calls per reply, its replies translated for an Anthropic client): that call gets a new id
 *   (`<id>_2`), and the result after it that answers it, in order, gets the same.
 * Never changes the client's messages.
 */
export function uniqueToolUseIds(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages) || !hasRepeatedId(messages)) return undefined;
  const seen = new Set<string>();
  /** For each id the last assistant turn used, the ids its results take, in order. */
  let answers = new Map<string, string[]>();
  return messages.map((m) => {
    if (!isObject(m) || !Array.isArray(m.content)) return m;
    if (m.role === 'assistant') {
      answers = new Map();
      const calls = new Map<string, string>();
      const content: unknown[] = [];
      for (const b of m.content) {
        if (!isToolUse(b)) {
          content.push(b);
          continue;
        }
        const call = JSON.stringify([b.name, b.input]);
        if (calls.get(b.id) === call) continue;
        calls.set(b.id, call);
        let id = b.id;
        for (let n = 2; seen.has(id); n++) id = `${b.id}_${n}`;
        seen.add(id);
        answers.set(b.id, [...(answers.get(b.id) ?? []), id]);
        content.push(id === b.id ? b : { ...b, id });
      }
      return { ...m, content };
    }
    if (answers.size === 0) return m;
    const content: unknown[] = [];
    for (const b of m.content) {
      const answered = isObject(b) && b.type === 'tool_result' && typeof b.tool_use_id === 'string' ? answers.get(b.tool_use_id) : undefined;
      if (!answered) {
        content.push(b);
        continue;
      }
      const id = answered.shift();
      if (id === undefined) continue;
      content.push(id === (b as Json).tool_use_id ? b : { ...(b as Json), tool_use_id: id });
    }
    answers = new Map();
    return { ...m, content };
  });
}
