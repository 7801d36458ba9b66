import { isReasoningEnvelope } from './reasoning-envelope.ts';

type Json = Record<string, unknown>;

/**
 * True for a reasoning input item an OpenAI Responses upstream cannot verify: one whose
 * `encrypted_content` is a gateway envelope (another provider's reasoning), or, in a stateless
 * request (`store: false`), one without encrypted content, whose id OpenAI never stored (the
 * gateway minted it for reasoning text of another provider).
 */
function isForeignReasoning(item: unknown, stateless: boolean): boolean {
  if (typeof item !== 'object' || item === null || (item as Json).type !== 'reasoning') return false;
  const encrypted = (item as Json).encrypted_content;
  if (typeof encrypted === 'string' && encrypted.length > 0) return isReasoningEnvelope(encrypted);
  return stateless;
}

/**
 * The body a Responses upstream gets on the passthrough lane: the client's own body, or, when
 * its `input` replays reasoning another provider made, a copy without those items (which the
 * converted lane would drop too). The client's body itself is never changed.
 *
 * @see https://platform.openai.com/docs/guides/reasoning#keeping-reasoning-items-in-context
 */
export function passthroughBody(body: Json): Json {
  if (!Array.isArray(body.input)) return body;
  const input = withoutForeignReasoning(body.input, body.store === false);
  return input === body.input ? body : { ...body, input };
}

/**
 * `items` without the reasoning items an OpenAI Responses upstream cannot verify (see
 * `isForeignReasoning`); the same array when there is none.
 */
export function withoutForeignReasoning(items: unknown[], stateless: boolean): unknown[] {
  const kept = items.filter((item) => !isForeignReasoning(item, stateless));
  return kept.length === items.length ? items : kept;
}
