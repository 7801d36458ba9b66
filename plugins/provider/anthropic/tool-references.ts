import { refusal } from '../../../core/util/refused-fields.ts';
import { learnedRewrite } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * Claude Code's tool search answers with `tool_reference` blocks inside a tool result ("these
 * deferred tools are now loaded"), which the API turns into the tools' definitions. Vendors'
 * Anthropic-format endpoints have no tool search and refuse the block: Moonshot's "failed to
 * convert tool result content: unsupported content type in ContentBlockParamUnion:
 * tool_reference". The history replays it, so every later turn failed.
 */
const REFUSED = /tool_reference/;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isReference = (b: unknown): b is Json => isObj(b) && b.type === 'tool_reference';
const hasReference = (b: unknown): boolean => isObj(b) && b.type === 'tool_result' && Array.isArray(b.content) && b.content.some(isReference);

/**
 * The messages with each `tool_reference` block of a tool result as text naming the tool (such an
 * endpoint gets every tool's definition anyway: `defer_loading` is what it refused before); the
 * same array when there is none.
 */
export function withReferencesAsText(messages: unknown[]): unknown[] {
  if (!messages.some((m) => isObj(m) && Array.isArray(m.content) && m.content.some(hasReference))) return messages;
  return messages.map((m) => {
    if (!isObj(m) || !Array.isArray(m.content) || !m.content.some(hasReference)) return m;
    return {
      ...m,
      content: m.content.map((b) => (hasReference(b)
        ? { ...(b as Json), content: ((b as Json).content as unknown[]).map((c) => (isReference(c) ? { type: 'text', text: `Tool loaded: ${String(c.tool_name)}` } : c)) }
        : b)),
    };
  });
}

/** True when the upstream's 400 refuses the `tool_reference` blocks the body has. */
export function refusesToolReferences(err: unknown, body: Json): boolean {
  const message = refusal(err)?.message;
  return message !== undefined && REFUSED.test(message) && Array.isArray(body.messages) && withReferencesAsText(body.messages) !== body.messages;
}

/** Models whose upstream refused them: their later requests carry the text at once. */
export const referencesAsText = learnedRewrite(withReferencesAsText);
