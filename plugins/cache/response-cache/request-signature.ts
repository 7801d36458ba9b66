import { createHash } from 'node:crypto';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';

/** Request fields that never change the answer: transport, attribution and tracing. */
const VOLATILE_FIELDS = ['stream', 'streamUsage', 'user', 'metadata', 'model'] as const;

/**
 * Dialect-specific extras (in `providerOptions.<type>`) that only label, store or route a
 * request: they never change the model's answer, so they are left out of the signature.
 */
const VOLATILE_OPTIONS = new Set([
  'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier', 'service_tier', 'request_id',
  'stream_options', 'previous_response_id', 'labels',
]);

/**
 * JSON with object keys sorted and undefined values dropped, so two requests that mean the
 * same thing give the same text whatever order their fields came in.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((x) => (x === undefined ? 'null' : stableStringify(x))).join(',')}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The request minus the fields that do not change the answer. */
function answerRelevant(body: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const f of VOLATILE_FIELDS) delete out[f];
  if (body.providerOptions) {
    const opts: Record<string, Record<string, unknown>> = {};
    for (const [type, o] of Object.entries(body.providerOptions)) {
      const kept = Object.fromEntries(Object.entries(o).filter(([k]) => !VOLATILE_OPTIONS.has(k)));
      if (Object.keys(kept).length > 0) opts[type] = kept;
    }
    out.providerOptions = Object.keys(opts).length > 0 ? opts : undefined;
  }
  return out;
}

/**
 * The exact tier's key: SHA-256 of the scope (client key id or `*`), the requested model and
 * the normalized request without volatile fields (`stream`, `user`, `metadata`, stored-response
 * and tracing extras). A streamed and a non-streamed request for the same prompt share it.
 */
export function requestSignature(scope: string, model: string, body: ChatRequest): string {
  return sha256(stableStringify({ v: 1, scope, model, req: answerRelevant(body) }));
}

/** What the semantic tier compares: the last user turn's text, and a key for everything else. */
export interface SemanticQuery {
  /** Text of the last user message (embedded). */
  text: string;
  /**
   * Hash of the scope, model, embeddings model and the rest of the request (earlier turns,
   * system prompt, tools, sampling): two prompts can only match when this is equal.
   */
  bucket: string;
}

/**
 * Splits a request for the semantic tier. Answers undefined when the conversation does not end
 * with a user turn made only of text (images, files or tool results are not embedded).
 */
export function semanticQuery(scope: string, model: string, embedModel: string, body: ChatRequest): SemanticQuery | undefined {
  const last: Message | undefined = body.messages.at(-1);
  if (!last || last.role !== 'user' || last.content.length === 0) return undefined;
  if (!last.content.every((p) => p.type === 'text')) return undefined;
  const text = last.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n').trim();
  if (!text) return undefined;
  const rest = answerRelevant({ ...body, messages: body.messages.slice(0, -1) });
  return { text, bucket: sha256(stableStringify({ v: 1, scope, model, embedModel, rest })) };
}

/**
 * Deterministic enough to cache: temperature 0 or unset (the issue's definition; a provider's
 * default temperature may still sample, which is the operator's call via `only_deterministic`).
 */
export function isDeterministic(body: ChatRequest): boolean {
  return body.temperature === undefined || body.temperature === 0;
}
