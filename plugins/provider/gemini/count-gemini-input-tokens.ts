import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import type { Attempt, CountTokensRequest, CountTokensResult, ProviderRuntime } from '../../../core/plugin/types.ts';
import { GEMINI_TOOL_NAMES, mapToolNames } from '../../../core/util/map-tool-names.ts';
import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { convertToGeminiRequest } from './convert-to-gemini-request.ts';
import { geminiModelUrl } from './gemini-url.ts';
import { readGeminiError } from './map-gemini-error.ts';
import { countTimeouts } from '../../../core/util/count-tokens.ts';

type Json = Record<string, unknown>;


/**
 * `countTokens` for a Gemini API upstream: `POST {root}/models/{model}:countTokens` with the
 * account key in `x-goog-api-key`. A Gemini client's own body (`contents`, or a
 * `generateContentRequest` whose `model` becomes the target's) goes as it is; any other request
 * is converted as `generate` converts it and sent as `generateContentRequest`, so its system
 * instruction, tools and settings are counted too (`contents` alone counts only the turns).
 *
 * Errors: the mapped upstream error; GW_UPSTREAM_TIMEOUT past 10 s (or the provider's shorter
 * limit); retryable 502 GW_UPSTREAM_PROTOCOL for a reply without `totalTokens`.
 *
 * @see https://ai.google.dev/api/tokens#method:-models.counttokens
 */
export async function countGeminiInputTokens(req: CountTokensRequest, attempt: Attempt): Promise<CountTokensResult> {
  const secret = attempt.account?.secret;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...attempt.provider.headers };
  if (secret) headers['x-goog-api-key'] = secret;
  const res = await attempt.fetch(geminiModelUrl(attempt.provider.baseUrl, req.model, 'countTokens'), {
    method: 'POST', headers, body: JSON.stringify(countBody(req, attempt.provider)), timeouts: countTimeouts(attempt.provider), stream: false,
  });
  if (!res.ok) throw await readGeminiError(res, secret);
  const json = (await readReplyJson(res, attempt.provider.name)) as { totalTokens?: unknown } | null;
  const n = json?.totalTokens;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Gemini upstream answered countTokens without totalTokens.', { status: 502, retryable: true });
  }
  return { inputTokens: n, usage: { inputTokens: 0, outputTokens: 0 } };
}

/** The `countTokens` body: the client's own (its `generateContentRequest` naming the target), or the converted request. */
function countBody(req: CountTokensRequest, provider: ProviderRuntime): Json {
  const modelName = req.model.startsWith('tunedModels/') ? req.model : `models/${req.model.replace(/^models\//, '')}`;
  if (req.native?.dialect === 'gemini') {
    const body = req.native.body;
    const key = isObj(body.generateContentRequest) ? 'generateContentRequest' : isObj(body.generate_content_request) ? 'generate_content_request' : undefined;
    return key ? { ...body, [key]: { ...(body[key] as Json), model: modelName } } : body;
  }
  const { stop: _stop, ...chat } = req.chat;
  const named = mapToolNames(chat, GEMINI_TOOL_NAMES)?.request ?? chat;
  const limit = outputTokenLimit(modelQuirks(provider, req.model));
  const converted = convertToGeminiRequest({ ...named, stream: false }, limit === undefined ? {} : { maxOutputTokens: limit });
  return { generateContentRequest: { model: modelName, ...converted } };
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
