const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A rule for tool call ids: which ids an upstream takes, and the stable id made for the others. */
export interface ToolCallIdRule {
  valid: (id: string) => boolean;
  /** The new id for `text` (an id, or an id with a suffix when the first try collided). */
  make: (text: string) => string;
}

/** Mistral's: exactly 9 letters or digits ("Tool call id was toolu_01… but must be a-z, A-Z, 0-9, with a length of 9."). */
export const ALNUM9_IDS: ToolCallIdRule = { valid: (id) => /^[a-zA-Z0-9]{9}$/.test(id), make: (text) => hashChars(text, 9) };

/**
 * OpenAI's (and the servers that copy its validation): at most 40 characters ("Invalid
 * 'messages[2].tool_calls[0].id': string too long. Expected a string with maximum length 40"),
 * which ids other tools and gateways made can pass (83 characters seen).
 */
export const MAX40_IDS: ToolCallIdRule = { valid: (id) => id.length <= 40, make: (text) => `call_${hashChars(text, 32)}` };

/**
 * The rule an upstream's 400 states for tool call ids, or undefined: Mistral's "Tool call id was
 * toolu_01… but must be a-z, A-Z, 0-9, with a length of 9." (a Mistral model served where no
 * preset knows it: Azure AI Foundry, a reseller), OpenAI's "Invalid
 * 'messages[2].tool_calls[0].id': string too long. Expected a string with maximum length 40".
 */
export function statedToolCallIdRule(message: string): ToolCallIdRule | undefined {
  if (/tool call id .*must be a-z, A-Z, 0-9, with a length of 9/i.test(message)) return ALNUM9_IDS;
  const max = /(?:tool_calls\[\d+\]\.id|tool_call_id)'?: string too long\. Expected a string with maximum length (\d+)/.exec(message)?.[1];
  if (max === undefined) return undefined;
  const n = Number(max);
  if (n === 40) return MAX40_IDS;
  return n >= 9 ? { valid: (id) => id.length <= n, make: (text) => (n >= 37 ? `call_${hashChars(text, 32)}` : hashChars(text, Math.min(32, n))) } : undefined;
}

type WireMessage = { role: string; [k: string]: unknown };

/** `n` (≤ 32) base-62 characters of the SHA-256 of `text`. */
function hashChars(text: string, n: number): string {
  const digest = new Bun.CryptoHasher('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < n; i++) out += BASE62[digest[i]! % 62];
  return out;
}

/** The ids a message holds: its calls' and, for a tool message, the one it answers. */
function idsOf(m: WireMessage): string[] {
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  const ids = calls.flatMap((c) => (c && typeof c === 'object' && typeof (c as { id?: unknown }).id === 'string' ? [(c as { id: string }).id] : []));
  if (typeof m.tool_call_id === 'string') ids.push(m.tool_call_id);
  return ids;
}

/**
 * Chat messages with every tool call id the upstream refuses replaced (quirk `tool_call_ids:
 * alnum9 | max40`): Mistral answers 400 to the ids other providers make (Claude Code's
 * `toolu_…`, Codex's `call_…`, generated ones), OpenAI to ids over 40 characters.
 *
 * A valid id is kept (the upstream's own, which reach the client unchanged and come back as
 * they are); any other becomes a stable id made from its SHA-256, the same for the call and the
 * result that answers it, and the same on every turn (prompt caches keep hitting). The upstream
 * never sees the original, so its replies hold only its own ids: nothing is mapped back. Two ids
 * of one request never share a new id. Messages without a refused id are returned as they are.
 *
 * @see https://docs.mistral.ai/capabilities/function_calling
 */
export function mapToolCallIds(messages: WireMessage[], rule: ToolCallIdRule = ALNUM9_IDS): WireMessage[] {
  const all = messages.flatMap(idsOf);
  if (all.every(rule.valid)) return messages;
  const taken = new Set(all.filter(rule.valid));
  const fitted = new Map<string, string>();
  for (const id of all) {
    if (taken.has(id) || fitted.has(id)) continue;
    let short = rule.make(id);
    for (let n = 1; taken.has(short); n++) short = rule.make(`${id}#${n}`);
    taken.add(short);
    fitted.set(id, short);
  }
  const fit = (id: unknown) => (typeof id === 'string' ? fitted.get(id) ?? id : id);
  return messages.map((m) => {
    if (idsOf(m).every((id) => !fitted.has(id))) return m;
    const copy: WireMessage = { ...m };
    if (Array.isArray(m.tool_calls)) copy.tool_calls = m.tool_calls.map((c) => (c && typeof c === 'object' ? { ...c, id: fit((c as { id?: unknown }).id) } : c));
    if (m.tool_call_id !== undefined) copy.tool_call_id = fit(m.tool_call_id);
    return copy;
  });
}
