import type { Dialect } from '../../../core/types/hub.ts';

/**
 * Who serves a model on Vertex AI, and so the wire format it speaks: Google (Gemini,
 * `generateContent`), Anthropic (Claude, `rawPredict` with the Messages body), the partners
 * whose models answer in their own API through `rawPredict` (Mistral AI, AI21 Labs), or the open
 * models of Model Garden served as a service (Llama, DeepSeek, Qwen, gpt-oss…), which Vertex
 * serves through its OpenAI-compatible Chat Completions endpoint (`endpoints/openapi`).
 */
export type VertexPublisher = 'google' | 'anthropic' | VertexPartner | 'openapi';

/** The partners whose models take their own (OpenAI-like) chat body through `rawPredict` / `streamRawPredict`. */
export type VertexPartner = 'mistralai' | 'ai21';

/** The publishers named in a model's URL (`publishers/{publisher}/models/{model}`). */
export type VertexModelPublisher = Exclude<VertexPublisher, 'openapi'>;

const PARTNERS: ReadonlySet<string> = new Set<VertexPartner>(['mistralai', 'ai21']);

/**
 * The client dialect each publisher takes unchanged (the passthrough lane). Partner streams are
 * not OpenAI's byte for byte, so every client takes the translated lane for them: Mistral sends
 * a streamed tool call without `type` (the `openai` SDK's stream helper throws "missing
 * choices[0].tool_calls[0].type"), AI21's chunks have no `object`, `created` or `model`.
 */
const DIALECT: Record<VertexPublisher, Dialect | undefined> = {
  google: 'gemini', anthropic: 'anthropic-messages', openapi: 'openai-chat', mistralai: undefined, ai21: undefined,
};

/**
 * A publisher-qualified id names a partner model when its publisher is a partner
 * (`mistralai/mistral-medium-3`, `ai21/jamba-1.5-large@001`), unless it ends in `-maas` (a model
 * served as a service is an open model, whoever published it); any other such id
 * (`meta/llama-4-maverick-17b-128e-instruct-maas`) goes to the Chat Completions endpoint, which
 * names models that way. Claude models (`claude-sonnet-4-5@20250929`) are Anthropic's; every
 * other id is Google's.
 */
export function vertexPublisherOf(model: string): VertexPublisher {
  const slash = model.indexOf('/');
  if (slash !== -1) {
    const publisher = model.slice(0, slash);
    return PARTNERS.has(publisher) && !model.endsWith('-maas') ? (publisher as VertexPartner) : 'openapi';
  }
  return model.startsWith('claude-') ? 'anthropic' : 'google';
}

/** True for the publishers whose models go through the `openai` adapter (open and partner models). */
export function speaksOpenAIChat(publisher: VertexPublisher): boolean {
  return publisher === 'openapi' || PARTNERS.has(publisher);
}

/** The client dialect whose bodies a model's publisher takes unchanged (the passthrough lane), if any. */
export function vertexDialectOf(model: string): Dialect | undefined {
  return DIALECT[vertexPublisherOf(model)];
}

/**
 * A partner model's names: `id` as its URL names it (`jamba-1.5-large@001`, `codestral@2405`),
 * `name` without the `@` version, as Mistral's body names it (`codestral`).
 */
export function partnerModelOf(model: string): { id: string; name: string } {
  const id = model.slice(model.indexOf('/') + 1);
  const at = id.indexOf('@');
  return { id, name: at === -1 ? id : id.slice(0, at) };
}
