/**
 * Carries reasoning signatures of other providers through a Responses client.
 *
 * A Responses client (Codex) keeps a reasoning item's `encrypted_content` as an opaque string and
 * sends it back on the next turn. OpenAI's own payloads go out and come back unchanged. A
 * signature made by another provider (an Anthropic thinking signature, a Gemini thought
 * signature) is wrapped in a small envelope so the next turn can restore it for the provider that
 * made it: without it, tool use with extended thinking breaks on the second turn.
 */

/** Provider type of reasoning payloads that are OpenAI's own `encrypted_content`. */
export const RESPONSES_ORIGIN = 'openai-responses';

const PREFIX = 'switchyard.reasoning.v1:';

/** What an envelope restores. */
export interface ReasoningSeal {
  origin?: string;
  signature?: string;
  redacted?: string;
}

/**
 * Returns the `encrypted_content` for a reasoning part, or undefined when it has nothing opaque
 * to carry. OpenAI payloads are returned as they are; others are wrapped.
 */
export function sealReasoning(seal: ReasoningSeal): string | undefined {
  if (seal.origin === RESPONSES_ORIGIN || (seal.origin === undefined && seal.signature === undefined)) {
    return seal.redacted;
  }
  if (seal.signature === undefined && seal.redacted === undefined) return undefined;
  const json = JSON.stringify({ o: seal.origin, s: seal.signature, r: seal.redacted });
  return PREFIX + Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads an `encrypted_content` sent by a client. A gateway envelope gives back the original
 * origin and signature; anything else is OpenAI's payload. A damaged envelope is treated as
 * opaque OpenAI content, which the OpenAI upstream then rejects with its own clear error.
 */
export function openReasoning(encrypted: string): ReasoningSeal {
  if (!encrypted.startsWith(PREFIX)) return { origin: RESPONSES_ORIGIN, redacted: encrypted };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encrypted.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    const { o, s, r } = parsed as Record<string, unknown>;
    const seal: ReasoningSeal = {};
    if (typeof o === 'string') seal.origin = o;
    if (typeof s === 'string') seal.signature = s;
    if (typeof r === 'string') seal.redacted = r;
    return seal;
  } catch {
    return { origin: RESPONSES_ORIGIN, redacted: encrypted };
  }
}

/** True for an `encrypted_content` that is a gateway envelope (reasoning another provider made). */
export function isReasoningEnvelope(encrypted: string): boolean {
  return encrypted.startsWith(PREFIX);
}
