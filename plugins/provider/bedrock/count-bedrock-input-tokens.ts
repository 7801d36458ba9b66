import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import type { Attempt, CountTokensRequest, CountTokensResult, ProviderRuntime } from '../../../core/plugin/types.ts';
import { countTimeouts } from '../../../core/util/count-tokens.ts';
import { createExpiringSet } from '../../../core/util/expiring-set.ts';
import { bedrockRequest, planBedrockCall, type BedrockDeps } from './bedrock-call.ts';
import { countingModelId, countTokensUrl } from './bedrock-endpoint.ts';
import { readBedrockError } from './map-bedrock-error.ts';

type Json = Record<string, unknown>;

/** How long a model that refused to be counted is not asked again, and how many are remembered. */
const REFUSED_FOR_MS = 60 * 60_000;
const MAX_REFUSED = 256;

/**
 * `countTokens` for Bedrock: `POST {base}/model/{modelId}/count-tokens` with
 * `{"input": {"converse": …}}`, signed like a Converse call (SigV4 or the Bedrock API key,
 * from `keys:`, the profile or the environment), answered `{"inputTokens": N}`. The request is
 * converted as `generate` converts it (tool names fitted) and only what CountTokens takes goes:
 * `messages`, `system`, `toolConfig`, and of `additionalModelRequestFields` the Claude thinking
 * setting (sampling fields such as `top_k` stay out, as for every counting endpoint). A
 * cross-region inference profile is counted as its foundation model (`countingModelId`).
 *
 * Only some models can be counted (Anthropic's Claude): a model the API refuses (a
 * ValidationException that it does not support counting tokens, or whose id it does not
 * know, or a 404 or 405 from an endpoint without the route) is not asked again for an hour for that endpoint, and fails at once with
 * GW_UNSUPPORTED (the next target, or the estimate). The memory lives as long as the adapter.
 *
 * Errors: GW_UNSUPPORTED for a refused model; the mapped Bedrock error (`readBedrockError`:
 * throttling 429, credentials 502…); GW_UPSTREAM_TIMEOUT past 10 s (or the provider's shorter
 * limit); retryable 502 GW_UPSTREAM_PROTOCOL for a reply without a count.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseTokensRequest.html
 */
export function createBedrockTokenCounter(deps: BedrockDeps): (req: CountTokensRequest, attempt: Attempt) => Promise<CountTokensResult> {
  const refused = createExpiringSet({ ttlMs: REFUSED_FOR_MS, max: MAX_REFUSED, now: () => deps.host.now() });
  return async (req, attempt) => {
    const model = countingModelId(req.model);
    const text = JSON.stringify(countBody(req, attempt.provider));
    const { url, headers } = await bedrockRequest(deps, attempt.provider, attempt.account, text, (base) => countTokensUrl(base, model));
    if (refused.has(url)) throw unsupported(attempt.provider, req.model);
    const res = await attempt.fetch(url, {
      method: 'POST', headers, body: text, signal: attempt.signal, timeouts: countTimeouts(attempt.provider), stream: false,
    });
    if (!res.ok) {
      const err = await readBedrockError(res);
      if (!refusesCounting(err)) throw err;
      refused.add(url);
      throw unsupported(attempt.provider, req.model, err);
    }
    const json = (await readReplyJson(res, attempt.provider.name)) as { inputTokens?: unknown } | null;
    const n = json?.inputTokens;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Bedrock upstream answered CountTokens without inputTokens.', { status: 502, retryable: true });
    }
    return { inputTokens: n, usage: { inputTokens: 0, outputTokens: 0 } };
  };
}

/** The CountTokens body: the Converse body `generate` would send, its countable fields only. */
function countBody(req: CountTokensRequest, provider: ProviderRuntime): Json {
  const { stop: _stop, ...chat } = req.chat;
  const { body } = planBedrockCall({ ...chat, stream: false }, provider, req.model);
  const converse: Json = { messages: body.messages };
  if (body.system) converse.system = body.system;
  if (body.toolConfig) converse.toolConfig = body.toolConfig;
  const thinking = (body.additionalModelRequestFields as Json | undefined)?.thinking;
  if (thinking) converse.additionalModelRequestFields = { thinking };
  return { input: { converse } };
}

/** True when the answer says this model cannot be counted here, which will not change soon. */
function refusesCounting(err: GatewayError): boolean {
  const up = err.upstream;
  if (!up) return false;
  if (up.status === 404 || up.status === 405 || up.type === 'ResourceNotFoundException') return true;
  if (up.type !== 'ValidationException' && up.status !== 400) return false;
  const message = up.message ?? '';
  return (/count/i.test(message) && /support/i.test(message)) || /model identifier is invalid/i.test(message);
}

function unsupported(provider: ProviderRuntime, model: string, cause?: GatewayError): GatewayError {
  return new GatewayError('GW_UNSUPPORTED', `Provider "${provider.name}" cannot count tokens for ${model} (Bedrock's CountTokens refused the model).`, cause ? { cause } : {});
}
