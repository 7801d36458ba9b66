/**
 * Thought signatures that travel through a Gemini client.
 *
 * A Gemini client returns every `thoughtSignature` with the part it came on. A signature made
 * by another provider (an Anthropic thinking signature, say) must not come back looking like a
 * Gemini one, or a Gemini upstream would reject it; so foreign signatures are wrapped with
 * their origin (`swy1:<origin>:<value>`, the same form the Anthropic dialect uses), and
 * unwrapped when the client sends them back. Gemini's own signatures pass unchanged.
 */

const PREFIX = 'swy1:';

/** Wraps a signature for a Gemini client; Gemini's own (or unknown-origin) signatures pass unchanged. */
export function wrapSignature(value: string, origin: string | undefined): string {
  if (origin === undefined || origin === 'gemini') return value;
  return `${PREFIX}${origin}:${value}`;
}

/** Reads a signature returned by a Gemini client: unwrapped value plus the provider that made it. */
export function unwrapSignature(value: string): { value: string; origin: string } {
  if (!value.startsWith(PREFIX)) return { value, origin: 'gemini' };
  const colon = value.indexOf(':', PREFIX.length);
  if (colon === -1) return { value, origin: 'gemini' };
  return { value: value.slice(colon + 1), origin: value.slice(PREFIX.length, colon) };
}
