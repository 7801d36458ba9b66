/**
 * Thought signatures that travel through a Gemini client.
 *
 * A Gemini client returns every `thoughtSignature` with the part it came on. A signature made
 * by another provider (an Anthropic thinking signature, say) must not come back looking like a
 * Gemini one, or a Gemini upstream would reject it; so foreign signatures are wrapped with
 * their origin (`swy1:<origin>:<value>`, the same form the Anthropic dialect uses), and
 * unwrapped when the client sends them back. Gemini's own signatures pass unchanged. A foreign
 * redacted payload (OpenAI encrypted reasoning, Anthropic redacted thinking) travels the same
 * way as `swy1r:<origin>:<value>`, so it comes back as a payload, not as a signature. The
 * foreign blocks that lead to a function call also ride whole on that call (`wrapCarried`).
 */

const PREFIX = 'swy1:';
const REDACTED_PREFIX = 'swy1r:';
const CARRIED_PREFIX = 'swy1t:';

/** Wraps a signature for a Gemini client; Gemini's own (or unknown-origin) signatures pass unchanged. */
export function wrapSignature(value: string, origin: string | undefined): string {
  if (origin === undefined || origin === 'gemini') return value;
  return `${PREFIX}${origin}:${value}`;
}

/** Wraps a foreign redacted reasoning payload for a Gemini client (always foreign: Gemini has none). */
export function wrapRedacted(value: string, origin: string | undefined): string {
  return `${REDACTED_PREFIX}${origin ?? 'unknown'}:${value}`;
}

/**
 * Reads a signature returned by a Gemini client: unwrapped value plus the provider that made it;
 * `redacted` when the value is a redacted payload rather than a signature.
 */
export function unwrapSignature(value: string): { value: string; origin: string; redacted?: true } {
  const redacted = value.startsWith(REDACTED_PREFIX);
  const prefix = redacted ? REDACTED_PREFIX : PREFIX;
  if (!value.startsWith(prefix)) return { value, origin: 'gemini' };
  const colon = value.indexOf(':', prefix.length);
  if (colon === -1) return { value, origin: 'gemini' };
  const out = { value: value.slice(colon + 1), origin: value.slice(prefix.length, colon) };
  return redacted ? { ...out, redacted: true } : out;
}

/** True for a signature (or payload) the gateway wrapped: another provider made it. */
export function isWrappedSignature(value: string): boolean {
  return value.startsWith(PREFIX) || value.startsWith(REDACTED_PREFIX) || value.startsWith(CARRIED_PREFIX);
}

/** A reasoning block of another provider, whole: its text with its signature or redacted payload. */
export interface CarriedReasoning {
  text: string;
  signature?: string;
  redacted?: string;
}

/**
 * The foreign reasoning blocks that lead to a function call, as the `thoughtSignature` of that
 * call (`swy1t:<origin>:<base64url JSON>`). Gemini puts its own signature on the call, and
 * Gemini CLI keeps only that: it leaves thought parts out of the history it sends back, so the
 * blocks another provider needs again (Claude's thinking, in a tool loop) must ride there too.
 */
export function wrapCarried(blocks: readonly CarriedReasoning[], origin: string): string {
  return `${CARRIED_PREFIX}${origin}:${Buffer.from(JSON.stringify(blocks)).toString('base64url')}`;
}

/** Reads a `wrapCarried` value; undefined for anything else (or a value that does not decode). */
export function unwrapCarried(value: string): { origin: string; blocks: CarriedReasoning[] } | undefined {
  if (!value.startsWith(CARRIED_PREFIX)) return undefined;
  const colon = value.indexOf(':', CARRIED_PREFIX.length);
  if (colon === -1) return undefined;
  try {
    const blocks: unknown = JSON.parse(Buffer.from(value.slice(colon + 1), 'base64url').toString('utf8'));
    if (!Array.isArray(blocks)) return undefined;
    const valid = blocks.filter((b): b is CarriedReasoning => typeof b === 'object' && b !== null && typeof b.text === 'string'
      && (typeof b.signature === 'string' || typeof b.redacted === 'string'));
    return { origin: value.slice(CARRIED_PREFIX.length, colon), blocks: valid };
  } catch {
    return undefined;
  }
}
