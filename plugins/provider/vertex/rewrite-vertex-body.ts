import type { VertexPartner } from './vertex-publisher.ts';

/** The `anthropic_version` Claude on Vertex AI takes in the body (instead of the header). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/**
 * A Messages body for Claude on Vertex: the model is named by the URL, so `model` goes, and
 * `anthropic_version` is added unless the client sent one. A token count
 * (`count-tokens:rawPredict`) names the model in the body, so it keeps `model`.
 *
 * @see https://docs.anthropic.com/en/api/claude-on-vertex-ai
 */
export function toVertexAnthropicBody(body: Record<string, unknown>, countTokens: boolean): Record<string, unknown> {
  const { model, ...rest } = body;
  const out = countTokens ? { ...rest, model } : rest;
  return { ...out, anthropic_version: body.anthropic_version ?? VERTEX_ANTHROPIC_VERSION };
}

/** What Vertex's `countTokens` takes: the parts of a generateContent request it counts. */
const COUNT_FIELDS = ['contents', 'systemInstruction', 'tools', 'generationConfig'] as const;

/**
 * A Gemini API `countTokens` body for Vertex: Vertex has no `generateContentRequest` wrapper,
 * it takes `contents`, `systemInstruction`, `tools` and `generationConfig` at the top level.
 *
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/countTokens
 */
export function toVertexCountTokensBody(body: Record<string, unknown>): Record<string, unknown> {
  const inner = body.generateContentRequest ?? body.generate_content_request;
  const source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : body;
  const out: Record<string, unknown> = {};
  for (const f of COUNT_FIELDS) if (source[f] !== undefined) out[f] = source[f];
  if (out.systemInstruction === undefined && source.system_instruction !== undefined) out.systemInstruction = source.system_instruction;
  return out;
}

/**
 * A partner model's chat body as its publisher takes it on `rawPredict` / `streamRawPredict`:
 * - Mistral AI: `model` is the model's name without its `@` version (`codestral` for
 *   `codestral@2405`, `mistral-medium-3` as it is); `stream` stays, matching the method.
 * - AI21 Labs: no `model` and no `stream`: the URL names the model and the method says whether
 *   the reply streams, as AI21's own Vertex client sends it.
 *
 * @see https://docs.mistral.ai/deployment/cloud/vertex/
 * @see https://github.com/mistralai/client-python/blob/main/packages/mistralai_gcp/src/mistralai_gcp/sdk.py
 * @see https://github.com/AI21Labs/ai21-python/blob/main/ai21/clients/vertex/ai21_vertex_client.py
 */
export function toVertexPartnerBody(publisher: VertexPartner, body: Record<string, unknown>, name: string): Record<string, unknown> {
  if (publisher === 'mistralai') return { ...body, model: name };
  const { model: _model, stream: _stream, ...rest } = body;
  return rest;
}
