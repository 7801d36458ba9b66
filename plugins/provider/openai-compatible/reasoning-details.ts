import type { ContentPart } from '../../../core/types/hub.ts';

/**
 * OpenRouter's `reasoning_details`: the reasoning of Claude, Gemini 3, OpenAI's o-series and
 * others through one OpenAI-format API, as blocks (`reasoning.text` with its `signature`,
 * `reasoning.encrypted` with its `data`, `reasoning.summary`) that must come back unchanged on the
 * assistant message of a tool loop: "Gemini models require OpenRouter reasoning details to be
 * preserved in each request" (Gemini 3: "Function call is missing a thought_signature"), and
 * Claude with thinking wants its signed thinking before a tool use.
 *
 * Read from a reply, the blocks travel in the hub as a reasoning part's signature (the JSON of
 * the list, origin `openrouter`), which every client dialect carries back as it carries other
 * providers' signatures; the converter puts them back on the assistant message (quirk
 * `reasoning_details`).
 *
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks
 */
export const REASONING_DETAILS_ORIGIN = 'openrouter';

type Detail = Record<string, unknown>;

const isObj = (v: unknown): v is Detail => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A reply's list as a signature; undefined when it holds no block. */
export function detailsSignature(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const blocks = list.filter(isObj);
  return blocks.length > 0 ? JSON.stringify(blocks) : undefined;
}

/**
 * A stream's fragments put together: a block arrives in pieces (`text`, `summary`, `data` in
 * parts, its `signature` last), keyed by type and index.
 */
export class ReasoningDetails {
  private readonly blocks = new Map<string, Detail>();

  add(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const d of list) {
      if (!isObj(d)) continue;
      const key = `${String(d.type)}-${typeof d.index === 'number' ? d.index : 0}`;
      const known = this.blocks.get(key);
      if (!known) {
        this.blocks.set(key, { ...d });
        continue;
      }
      for (const [k, v] of Object.entries(d)) {
        if ((k === 'text' || k === 'summary' || k === 'data') && typeof v === 'string') known[k] = `${typeof known[k] === 'string' ? known[k] : ''}${v}`;
        else if (v !== undefined && v !== null) known[k] = v;
      }
    }
  }

  /** The blocks so far as a signature, leaving none; undefined when there are none. */
  take(): string | undefined {
    if (this.blocks.size === 0) return undefined;
    const signature = JSON.stringify([...this.blocks.values()]);
    this.blocks.clear();
    return signature;
  }
}

/** The blocks an assistant message's reasoning parts carry back (origin `openrouter`), in order. */
export function detailsOf(parts: readonly ContentPart[]): Detail[] {
  const out: Detail[] = [];
  for (const p of parts) {
    if (p.type !== 'reasoning' || p.origin !== REASONING_DETAILS_ORIGIN || !p.signature) continue;
    try {
      const list: unknown = JSON.parse(p.signature);
      if (Array.isArray(list)) out.push(...list.filter(isObj));
    } catch {
      // Not ours after all: left out.
    }
  }
  return out;
}

/**
 * Gemini 3 refuses a function call of the history without its thought signature, and a call
 * another model made (or one whose reasoning the client did not keep) has none: such calls get
 * the placeholder Google documents, as an encrypted block of theirs.
 *
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function withSignedCalls(details: Detail[], callIds: readonly string[]): Detail[] {
  if (callIds.length === 0 || details.some((d) => d.type === 'reasoning.encrypted')) return details;
  return [
    ...details,
    ...callIds.map((id, i) => ({ type: 'reasoning.encrypted', data: 'skip_thought_signature_validator', format: 'google-gemini-v1', id, index: details.length + i })),
  ];
}
