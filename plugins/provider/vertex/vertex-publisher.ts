import type { Dialect } from '../../../core/types/hub.ts';

/** The Model Garden publisher that serves a model on Vertex AI, and so the wire format it speaks. */
export type VertexPublisher = 'google' | 'anthropic';

/**
 * Claude models (`claude-sonnet-4-5@20250929`) are Anthropic's, served through `rawPredict`
 * with the Messages body; every other model id is Google's (Gemini, `generateContent`).
 */
export function vertexPublisherOf(model: string): VertexPublisher {
  return model.startsWith('claude-') ? 'anthropic' : 'google';
}

/** The client dialect whose bodies a publisher takes unchanged (the passthrough lane). */
export function vertexDialectOf(model: string): Dialect {
  return vertexPublisherOf(model) === 'anthropic' ? 'anthropic-messages' : 'gemini';
}
