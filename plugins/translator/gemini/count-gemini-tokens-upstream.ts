import type {
  CountTokensRequest, GatewayRequest, HttpInput, RouteHost, } from '../../../core/plugin/types.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { countGeminiTokens } from './gemini-model-routes.ts';
import { normalizeGeminiKeys } from './normalize-gemini-keys.ts';
import { countTokensCodec } from '../../../core/util/count-tokens.ts';

type Json = Record<string, unknown>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

/**
 * `POST /v1beta/models/{model}:countTokens` for an authenticated request whose key may use
 * `model` (`run.body` read): routes it like a generation (aliases, combos, fallback) and answers
 * `{totalTokens}` with the count of the first target whose upstream counts exactly
 * (`operations.countTokens`: Gemini's `countTokens` for the client's own body, Anthropic's or
 * Responses' for the converted request). When none can, or the upstream fails, the answer is
 * the estimate of `countGeminiTokens`: a count never fails for an upstream's sake.
 *
 * Errors: 400 GW_BAD_REQUEST, as before, for a body without `contents` or `generateContentRequest`.
 *
 * @see https://ai.google.dev/api/tokens#method:-models.counttokens
 */
export async function countGeminiTokensUpstream(run: HttpInput, host: RouteHost, model: string): Promise<Response> {
  const estimate = countGeminiTokens(run.body);
  const answer = (totalTokens: number) => new Response(JSON.stringify({ totalTokens }), { headers: JSON_HEADERS });
  try {
    return await host.run(countTokensCodec('gemini', answer, () => answer(estimate.totalTokens)), run, upstreamCountRequest(run.body as Json, model));
  } catch {
    return answer(estimate.totalTokens);
  }
}

/**
 * The request the pipeline routes: the counted request (`generateContentRequest`, or the body's
 * own `contents`) decoded as `generateContent` decodes it, and the client's own body for a Gemini
 * upstream unless it replays a signature another provider made. Throws the decoder's 400.
 */
function upstreamCountRequest(body: Json, model: string): GatewayRequest<'countTokens'> {
  const normalized = normalizeGeminiKeys(body) as Json;
  const inner = isObj(normalized.generateContentRequest) ? normalized.generateContentRequest : normalized;
  const { model: _named, ...request } = inner;
  const decoded = decodeGeminiRequest(request, model, false);
  const req: CountTokensRequest = { model, chat: decoded.body };
  if (decoded.raw) req.native = { dialect: 'gemini', body };
  return { operation: 'countTokens', model, stream: false, body: req };
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
