/** Where Google serves the Gemini API when a provider names no base URL. */
export const DEFAULT_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

/** The API root: the base URL plus `/v1beta`, unless the base URL already names a version. */
export function geminiApiRoot(baseUrl: string | undefined): string {
  const base = (baseUrl || DEFAULT_GEMINI_BASE_URL).replace(/\/+$/, '');
  return /\/v\d+(?:alpha|beta)?\d*$/.test(base) ? base : `${base}/v1beta`;
}

/**
 * `{root}/models/{model}:{method}` (`tunedModels/…` kept as named), with `?alt=sse` for SSE
 * streams. The model comes from the route plan (config), never from request data as such;
 * it is still percent-encoded so it can only ever name a model.
 *
 * @see https://ai.google.dev/api/generate-content#endpoint
 */
export function geminiModelUrl(baseUrl: string | undefined, model: string, method: string, sse = false): string {
  const path = model.startsWith('tunedModels/')
    ? `tunedModels/${encodeURIComponent(model.slice('tunedModels/'.length))}`
    : `models/${encodeURIComponent(model.replace(/^models\//, ''))}`;
  return `${geminiApiRoot(baseUrl)}/${path}:${method}${sse ? '?alt=sse' : ''}`;
}
