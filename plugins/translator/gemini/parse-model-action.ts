import { GatewayError } from '../../../core/errors/gateway-error.ts';

/** The methods of `POST /v1beta/models/{model}:{method}` the gateway serves. */
export type GeminiAction = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'embedContent' | 'batchEmbedContents';

const ACTIONS: ReadonlySet<string> = new Set<GeminiAction>(['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents']);

/**
 * Splits the path tail after `/v1beta/models/` into model and method at the LAST colon, since
 * a gateway model may itself hold `/` (`groq/llama-3.3`, sent literally or as `%2F`). A
 * leading `models/` (a client that doubled the prefix) is dropped.
 *
 * Errors: 404 GW_NOT_FOUND for an unknown method, 400 GW_BAD_REQUEST for an empty model.
 */
export function parseModelAction(modelAction: string): { model: string; action: GeminiAction } {
  const tail = safeDecode(modelAction);
  const colon = tail.lastIndexOf(':');
  const action = colon === -1 ? '' : tail.slice(colon + 1);
  if (!ACTIONS.has(action)) {
    throw new GatewayError('GW_NOT_FOUND', `Method '${clip(action)}' is not supported. Use generateContent, streamGenerateContent, countTokens, embedContent or batchEmbedContents.`, { status: 404 });
  }
  const model = parseModelName(tail.slice(0, colon));
  return { model, action: action as GeminiAction };
}

/** The model id of a `models/{model}` resource path (decoded, without `models/`). */
export function parseModelName(raw: string): string {
  let model = safeDecode(raw);
  if (model.startsWith('models/')) model = model.slice('models/'.length);
  if (model === '') throw new GatewayError('GW_BAD_REQUEST', 'A model name is required in the URL: /v1beta/models/{model}:generateContent.', { status: 400 });
  return model;
}

/** Decodes `%2F` and friends; a path the router already decoded contains no `%XX`, so this is idempotent for model names. */
function safeDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
