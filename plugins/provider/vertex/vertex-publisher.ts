import type { Dialect } from '../../../core/types/hub.ts';

/**
 * Who serves a model on Vertex AI, and so the wire format it speaks: Google (Gemini,
 * `generateContent`), Anthropic (Claude, `rawPredict` with the Messages body), or the open models
 * of Model Garden served as a service (Llama, DeepSeek, Qwen, gpt-oss…), which Vertex serves
 * through its OpenAI-compatible Chat Completions endpoint (`endpoints/openapi`).
 */
export type VertexPublisher = 'google' | 'anthropic' | 'openapi';

/** The publishers named in a model's URL (`publishers/{publisher}/models/{model}`). */
export type VertexModelPublisher = Exclude<VertexPublisher, 'openapi'>;

/** The client dialect each publisher takes unchanged (the passthrough lane). */
const DIALECT: Record<VertexPublisher, Dialect> = { google: 'gemini', anthropic: 'anthropic-messages', openapi: 'openai-chat' };

/**
 * A publisher-qualified id (`meta/llama-4-maverick-17b-128e-instruct-maas`,
 * `openai/gpt-oss-120b-maas`) goes to the Chat Completions endpoint, which names models that way;
 * Claude models (`claude-sonnet-4-5@20250929`) are Anthropic's; every other id is Google's.
 */
export function vertexPublisherOf(model: string): VertexPublisher {
  if (model.includes('/')) return 'openapi';
  return model.startsWith('claude-') ? 'anthropic' : 'google';
}

/** The client dialect whose bodies a model's publisher takes unchanged (the passthrough lane). */
export function vertexDialectOf(model: string): Dialect {
  return DIALECT[vertexPublisherOf(model)];
}
