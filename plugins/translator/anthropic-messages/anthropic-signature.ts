/**
 * Thinking signatures that travel through an Anthropic client.
 *
 * A client such as Claude Code sends every `thinking` block back with its `signature`. When the
 * block was produced by another provider (a Gemini thought signature, an OpenAI encrypted
 * reasoning item), handing the raw value to the client would make it look like an Anthropic
 * signature on the way back, and an Anthropic upstream rejects foreign signatures. So foreign
 * signatures are wrapped with their origin, and unwrapped when the client returns them.
 */

const PREFIX = 'swy1:';

/** Wraps a signature for an Anthropic client; Anthropic's own signatures pass unchanged. */
export function wrapSignature(value: string, origin: string | undefined): string {
  if (origin === 'anthropic') return value;
  return `${PREFIX}${origin ?? 'unknown'}:${value}`;
}

/** Reads a signature returned by an Anthropic client: unwrapped value plus the provider that made it. */
export function unwrapSignature(value: string): { value: string; origin: string } {
  if (!value.startsWith(PREFIX)) return { value, origin: 'anthropic' };
  const colon = value.indexOf(':', PREFIX.length);
  if (colon === -1) return { value, origin: 'anthropic' };
  return { value: value.slice(colon + 1), origin: value.slice(PREFIX.length, colon) };
}

type WireTurn = { role: string; content: unknown };

/**
 * True when an assistant turn of `messages` holds reasoning no Anthropic upstream would accept
 * as is: a thinking block without a signature or with a wrapped (foreign) one, or a wrapped
 * redacted_thinking payload. Such history came through the gateway from another provider.
 */
export function carriesForeignReasoning(messages: readonly WireTurn[]): boolean {
  for (const m of messages) {
    if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const b of m.content as Array<{ type?: unknown; signature?: unknown; data?: unknown }>) {
      if (b.type === 'thinking' && (typeof b.signature !== 'string' || b.signature === '' || b.signature.startsWith(PREFIX))) return true;
      if (b.type === 'redacted_thinking' && typeof b.data === 'string' && b.data.startsWith(PREFIX)) return true;
    }
  }
  return false;
}

/**
 * True when thinking is on and the request answers tool calls of an assistant turn that does not
 * start with a thinking block: that turn came from another provider (a fallback, a model switch)
 * or was made with thinking off. The Anthropic API refuses such a body as is ("a final
 * `assistant` message must start with a thinking block"); on the converted lane the provider
 * turns thinking off for this one turn instead.
 */
export function continuesToolLoopWithoutThinking(thinking: { type: string } | undefined, messages: readonly WireTurn[]): boolean {
  if (thinking?.type !== 'enabled' && thinking?.type !== 'adaptive') return false;
  const last = messages[messages.length - 1];
  const prev = messages[messages.length - 2];
  if (last?.role !== 'user' || prev?.role !== 'assistant' || !Array.isArray(last.content) || !Array.isArray(prev.content)) return false;
  const blocks = prev.content as Array<{ type?: unknown }>;
  if (!(last.content as Array<{ type?: unknown }>).some((b) => b.type === 'tool_result')) return false;
  if (!blocks.some((b) => b.type === 'tool_use')) return false;
  return blocks[0]?.type !== 'thinking' && blocks[0]?.type !== 'redacted_thinking';
}
