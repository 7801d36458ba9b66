import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import type { VertexModelPublisher } from './vertex-publisher.ts';

/** Where requests go when the entry names no `location`: the global endpoint serves current Gemini and Claude models. */
export const DEFAULT_VERTEX_LOCATION = 'global';

/** A region (`us-central1`), a multi-region (`us`, `eu`) or `global`; it becomes part of a host name. */
const LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The endpoint of a location: `global` → `aiplatform.googleapis.com`, the multi-regions `us` /
 * `eu` → `aiplatform.{us,eu}.rep.googleapis.com`, a region → `{region}-aiplatform.googleapis.com`.
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations
 */
export function vertexOrigin(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/** The entry's Vertex options (`project`, `location`, `base_url` when set in the entry itself). */
export interface VertexTarget {
  /** Scheme, host and any path prefix, without `/v1`. */
  origin: string;
  location: string;
  project?: string;
}

/**
 * Reads `location`, `project` and an explicit `base_url` from the provider entry. The base URL
 * a preset fills in is not used: the location picks the host, unless the entry names its own
 * (a proxy, a private endpoint, a test upstream).
 * Errors: GW_CONFIG_INVALID (500) for a location that is not a Google location name.
 */
export function readVertexTarget(provider: ProviderRuntime): VertexTarget {
  const o = provider.options;
  const location = typeof o.location === 'string' && o.location ? o.location : DEFAULT_VERTEX_LOCATION;
  if (!LOCATION.test(location)) {
    throw new GatewayError('GW_CONFIG_INVALID', `providers.${provider.name}.location: "${location}" is not a Vertex AI location (us-central1, europe-west4, us, eu, global…).`, { status: 500 });
  }
  const base = typeof o.base_url === 'string' && o.base_url ? o.base_url.replace(/\/+$/, '').replace(/\/v1$/, '') : vertexOrigin(location);
  const project = typeof o.project === 'string' && o.project ? o.project : undefined;
  return { origin: base, location, ...(project ? { project } : {}) };
}

/**
 * `{origin}/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}`,
 * or without a project (Vertex AI express mode, API key only) `{origin}/v1/publishers/google/models/{model}:{method}`.
 * The model comes from the route plan; it is percent-encoded except for the `@` of versioned
 * ids (`claude-sonnet-4-5@20250929`, `jamba-1.5-large@001`), which Vertex names that way.
 *
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
 */
export function vertexModelUrl(t: VertexTarget, publisher: VertexModelPublisher, model: string, method: string, search = ''): string {
  const m = encodeURIComponent(model).replaceAll('%40', '@');
  const scope = t.project ? `/projects/${encodeURIComponent(t.project)}/locations/${encodeURIComponent(t.location)}` : '';
  return `${t.origin}/v1${scope}/publishers/${publisher}/models/${m}:${method}${search}`;
}

/**
 * The Chat Completions endpoint of Vertex AI's OpenAI-compatible API, which serves the open
 * models: `{origin}/v1/projects/{project}/locations/{location}/endpoints/openapi/chat/completions`
 * (the host follows the location, so `global` is `aiplatform.googleapis.com`). The model goes in
 * the body, publisher-qualified. It has no express-mode form: the caller checks the project.
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/maas/call-open-model-apis
 */
export function vertexOpenApiUrl(t: VertexTarget & { project: string }): string {
  return `${t.origin}/v1/projects/${encodeURIComponent(t.project)}/locations/${encodeURIComponent(t.location)}/endpoints/openapi/chat/completions`;
}

/**
 * Checks that a URL the `openai` adapter built is a chat completion, the one call the endpoint
 * serves. Errors: GW_UNSUPPORTED for any other path (the next target is tried).
 */
export function openApiVertexCall(delegateUrl: string): void {
  if (!new URL(delegateUrl).pathname.endsWith('/chat/completions')) {
    throw new GatewayError('GW_UNSUPPORTED', 'Vertex AI serves open models through Chat Completions only.');
  }
}

/**
 * The method of a partner model's chat completion (Mistral AI, AI21 Labs): `rawPredict`, or
 * `streamRawPredict` when the body streams, on the model's own URL (`vertexModelUrl`); the body
 * is the publisher's chat body. Errors: GW_UNSUPPORTED for any call but a chat completion (the
 * next target is tried), Codestral's fill-in-the-middle included: the `openai` adapter builds no
 * such call.
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/mistral
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/ai21
 */
export function partnerVertexCall(delegateUrl: string, stream: boolean): 'rawPredict' | 'streamRawPredict' {
  if (!new URL(delegateUrl).pathname.endsWith('/chat/completions')) {
    throw new GatewayError('GW_UNSUPPORTED', 'Vertex AI serves partner models (Mistral AI, AI21 Labs) through chat completions only.');
  }
  return stream ? 'streamRawPredict' : 'rawPredict';
}

/**
 * The Vertex method for a URL the `anthropic` adapter built: a Messages call is `rawPredict`
 * (`streamRawPredict` when the body streams), a token count is `count-tokens:rawPredict`, a
 * model of its own.
 */
export function anthropicVertexCall(delegateUrl: string, model: string, stream: boolean): { model: string; method: string } {
  const path = new URL(delegateUrl).pathname;
  if (path.endsWith('/messages/count_tokens')) return { model: 'count-tokens', method: 'rawPredict' };
  return { model, method: stream ? 'streamRawPredict' : 'rawPredict' };
}

/** The method and query of a URL the `gemini` adapter built (`…/models/x:streamGenerateContent?alt=sse`). */
export function geminiVertexCall(delegateUrl: string): { method: string; search: string } {
  const u = new URL(delegateUrl);
  return { method: u.pathname.slice(u.pathname.lastIndexOf(':') + 1), search: u.search };
}
