import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ClientKeyInfo, RouteHost } from '../../../core/plugin/types.ts';
import { normalizeGeminiKeys } from './normalize-gemini-keys.ts';

/** A Gemini `Model` resource, as much of it as the gateway knows. */
export interface GeminiModelResource {
  name: string;
  displayName: string;
  description: string;
  supportedGenerationMethods: string[];
}

const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];

/** One gateway model name (`provider/model`, alias or combo) as a Gemini model resource. */
export function toModelResource(id: string, ownedBy: string): GeminiModelResource {
  return {
    name: `models/${id}`,
    displayName: id,
    description: `Served by Switchyard (${ownedBy}).`,
    supportedGenerationMethods: [...METHODS],
  };
}

/**
 * `GET /v1beta/models`: every model the key may use (its scopes), in Gemini's list shape.
 * Everything fits one page, so `nextPageToken` is never set.
 *
 * @see https://ai.google.dev/api/models#method:-models.list
 */
export async function listGeminiModels(host: RouteHost, key?: ClientKeyInfo): Promise<{ models: GeminiModelResource[] }> {
  const models = await host.listModels(key);
  return { models: models.map((m) => toModelResource(m.id, m.ownedBy)) };
}

/**
 * `GET /v1beta/models/{model}`: one model. A name the gateway can route counts as known:
 * listed, or `provider/anything` for a provider without a fixed model list; and only within
 * the key's scopes.
 *
 * Errors: 404 GW_MODEL_NOT_FOUND in Google's wording (also for a model outside the scopes).
 *
 * @see https://ai.google.dev/api/models#method:-models.get
 */
export async function getGeminiModel(host: RouteHost, key: ClientKeyInfo | undefined, model: string): Promise<GeminiModelResource> {
  const known = (await host.listModels(key)).find((m) => m.id === model);
  if (known) return toModelResource(known.id, known.ownedBy);
  const slash = model.indexOf('/');
  const provider = slash > 0 ? host.providers.get(model.slice(0, slash)) : undefined;
  const open = provider && provider.models.length === 0 && slash < model.length - 1;
  if (open && host.allowsModel?.(key, model) !== false) return toModelResource(model, provider.name);
  throw new GatewayError('GW_MODEL_NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported by this gateway.`, { status: 404 });
}

/** Images, audio and files: Gemini bills a still image at 258 tokens; close enough for any blob. */
const BLOB_TOKENS = 258;

/**
 * `countTokens` estimated (4 characters per token, 258 per inline blob): the answer when no
 * target of the route counts exactly (see `count-gemini-tokens-upstream.ts`). Accepts
 * `{contents}` and `{generateContentRequest}`; throws 400 for a body with neither.
 *
 * @see https://ai.google.dev/api/tokens#method:-models.counttokens
 */
export function countGeminiTokens(body: unknown): { totalTokens: number } {
  const b = normalizeGeminiKeys(body) as Record<string, unknown> | undefined;
  const req = (isObj(b?.generateContentRequest) ? b.generateContentRequest : b) as Record<string, unknown> | undefined;
  if (!req || !Array.isArray(req.contents)) {
    throw new GatewayError('GW_BAD_REQUEST', 'Invalid JSON payload received. Expected contents or generateContentRequest.', { status: 400 });
  }
  let chars = 0;
  let blobs = 0;
  const contents = [...req.contents, req.systemInstruction];
  for (const c of contents) {
    if (!isObj(c) || !Array.isArray(c.parts)) continue;
    for (const p of c.parts) {
      if (!isObj(p)) continue;
      if (typeof p.text === 'string') chars += p.text.length;
      else if (p.inlineData || p.fileData) blobs++;
      else chars += JSON.stringify(p).length;
    }
  }
  if (Array.isArray(req.tools)) chars += JSON.stringify(req.tools).length;
  return { totalTokens: Math.ceil(chars / 4) + blobs * BLOB_TOKENS };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
