import type { GatewayError } from '../../../core/errors/gateway-error.ts';

type Item = Record<string, unknown>;

/**
 * Reasoning that another OpenAI organization (or ChatGPT account) encrypted.
 *
 * A reasoning item's `encrypted_content` can only be decrypted by the organization that made it.
 * Codex, and any stateless client, sends every earlier reasoning item back on each turn, so once
 * a gateway serves a conversation from another account (a fallback after a 429, keys of two
 * organizations in one provider) that account refuses the whole request, and every later turn
 * of the conversation with it. The adapter then sends the turn once more without those items:
 * the model loses its earlier reasoning, the conversation goes on.
 *
 * @see https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items
 */

/** How the upstream says so: the OpenAI API with a code, the ChatGPT backend with the message only. */
const REJECTED = /encrypted content .*could not be (verified|decrypted)/i;

/** True for a 400 that refuses a request's encrypted reasoning. */
export function isEncryptedReasoningRejection(err: GatewayError): boolean {
  const up = err.upstream;
  if (!up || up.status !== 400) return false;
  return up.code === 'invalid_encrypted_content' || REJECTED.test(up.message ?? '');
}

/**
 * `input` without its encrypted reasoning items, or undefined when it has none. The ids of the
 * messages and function calls that stay are dropped too: an id the API made alongside reasoning
 * is refused without that reasoning ("provided without its required 'reasoning' item").
 */
export function withoutEncryptedReasoning(input: unknown): Item[] | undefined {
  if (!Array.isArray(input) || !input.some(isEncryptedReasoning)) return undefined;
  return (input as unknown[]).filter((item) => !isEncryptedReasoning(item)).map((item) => withoutReasoningBoundId(item as Item));
}

function isEncryptedReasoning(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const { type, encrypted_content: encrypted } = item as Item;
  return type === 'reasoning' && typeof encrypted === 'string' && encrypted.length > 0;
}

/** Item types whose ids OpenAI ties to the reasoning before them. */
const REASONING_BOUND = new Set(['message', 'function_call', 'custom_tool_call']);

function withoutReasoningBoundId(item: Item): Item {
  if (typeof item !== 'object' || item === null || !REASONING_BOUND.has(item.type as string) || item.id === undefined) return item;
  if (item.type === 'message' && item.role !== 'assistant') return item;
  const { id: _id, ...rest } = item;
  return rest;
}
