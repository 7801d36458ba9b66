import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Logger } from '../../../core/log/logger.ts';
import type { Attempt, CallContext, HostServices, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { providerFetch } from '../../../core/http/provider-fetch.ts';
import { inlineRemoteMedia } from '../../../core/util/inline-remote-media.ts';
import { fitHubImages, VISION_FORMATS, type ImageRules } from '../../../core/util/hub-images.ts';
import { createMediaCache } from '../../../core/util/media-cache.ts';
import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { bedrockRequest, planBedrockCall, type BedrockDeps, type BedrockPlan } from './bedrock-call.ts';
import { createBedrockCredentialSource } from './bedrock-credentials.ts';
import { converseUrl } from './bedrock-endpoint.ts';
import { AWS_CREDENTIAL_TIMEOUTS } from './call-aws-service.ts';
import { createBedrockTokenCounter } from './count-bedrock-input-tokens.ts';
import { createBedrockStreamParser } from './create-bedrock-stream-parser.ts';
import { explainJsonToolRefusal, readBedrockError } from './map-bedrock-error.ts';
import { mapBedrockResponse } from './map-bedrock-response.ts';

/** Sends the body; resolves with the 2xx answer. Errors: the mapped GatewayError. */
async function send(deps: BedrockDeps, plan: BedrockPlan, attempt: Attempt, stream: boolean): Promise<Response> {
  const text = JSON.stringify(plan.body);
  const { url, headers } = await bedrockRequest(deps, attempt.provider, attempt.account, text, (base) => converseUrl(base, attempt.target.model, stream));
  const res = await attempt.fetch(url, { method: 'POST', headers, body: text, signal: attempt.signal, stream });
  if (!res.ok) {
    const err = await readBedrockError(res);
    throw plan.json ? explainJsonToolRefusal(err, attempt.target.model) : err;
  }
  return res;
}

function idOf(res: Response): string {
  return `bedrock-${res.headers.get('x-amzn-requestid') ?? crypto.randomUUID()}`;
}

function protocolError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `The Bedrock upstream ${message}.`, { retryable: true });
}

/**
 * Converse's image rules: at most 20 images in a request, each at most 3.75 MB and 8000 px a
 * side, PNG, JPEG, GIF or WebP.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-supported-models-features.html
 */
const CONVERSE_IMAGES: ImageRules = {
  api: 'Bedrock', maxImages: 20, maxSide: 8000, maxBase64: Math.floor((3.75 * 1024 * 1024 * 4) / 3),
  accepted: VISION_FORMATS,
};

/**
 * The request with its images and files given by http(s) URL fetched and put inline, as the
 * provider's own calls are fetched (SSRF policy, proxy): Converse takes bytes only. Its images
 * are then made to fit Converse's rules (`fitHubImages`).
 */
async function withInlineMedia(deps: BedrockDeps, req: ChatRequest, { provider, signal }: Pick<Attempt, 'provider'> & { signal?: AbortSignal }): Promise<ChatRequest> {
  const inline = await inlineRemoteMedia(req, {
    provider: 'Bedrock', signal, cache: deps.media, cacheScope: provider.name,
    // Not attempt.fetch: that marks the upstream as called, and Bedrock is not called yet.
    fetch: providerFetch(deps.host.http, provider, signal ? { signal } : {}),
  });
  return fitHubImages(inline, CONVERSE_IMAGES);
}

/** The client's `anthropic-beta` header (Claude Code sends its flags there). */
function clientBetas(call: CallContext | undefined): string | null | undefined {
  return call?.http?.headers.get('anthropic-beta');
}

async function generate(deps: BedrockDeps, req: ChatRequest, attempt: Attempt, call?: CallContext): Promise<ChatResult> {
  const model = attempt.target.model;
  const plan = planBedrockCall({ ...(await withInlineMedia(deps, req, attempt)), stream: false }, attempt.provider, model, clientBetas(call));
  const res = await send(deps, plan, attempt, false);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    throw protocolError('returned a malformed answer');
  }
  const result = mapBedrockResponse(json, model, idOf(res), plan.json);
  return plan.names ? plan.names.restoreResult(result) : result;
}

async function stream(deps: BedrockDeps, req: ChatRequest, attempt: Attempt, call?: CallContext): Promise<ReadableStream<StreamPart>> {
  const model = attempt.target.model;
  const plan = planBedrockCall({ ...(await withInlineMedia(deps, req, attempt)), stream: true }, attempt.provider, model, clientBetas(call));
  const res = await send(deps, plan, attempt, true);
  if (!res.body) throw protocolError('answered without a body');
  const parts = partsFromBody(res.body, createBedrockStreamParser(model, idOf(res), plan.json), 'Bedrock upstream');
  return plan.names ? plan.names.restoreStream(parts) : parts;
}

/**
 * The request `generate`/`stream` would send (playground preview: nothing goes to Bedrock; a
 * profile's temporary keys may be obtained, and images given by URL are fetched, as a call would).
 */
async function preview(deps: BedrockDeps, req: ChatRequest, provider: ProviderRuntime): Promise<UpstreamPreview> {
  const { body } = planBedrockCall(await withInlineMedia(deps, req, { provider }), provider, req.model);
  const text = JSON.stringify(body);
  const { url, headers } = await bedrockRequest(deps, provider, provider.accounts[0], text, (base) => converseUrl(base, req.model, req.stream));
  return { url, method: 'POST', headers, body };
}

/**
 * The `bedrock` adapter: every Bedrock model that speaks the Converse API, through
 * `/model/{modelId}/converse` (non-streamed) and `/converse-stream` (an AWS binary event stream
 * decoded into hub parts), with a Bedrock API key or SigV4-signed IAM keys from `keys:`, an AWS
 * profile (`profile:`) or the environment (`credentials: env`). No client dialect is Converse,
 * so every dialect goes through the hub. Images and files given by URL are fetched by the
 * gateway and sent inline (`inlineRemoteMedia`). A JSON response format is asked for with a forced
 * tool whose input comes back as the answer's text (`convertToBedrockJsonTool`); a model that
 * refuses it fails GW_UNSUPPORTED (the next target is tried). Token counts go to `/model/{modelId}/count-tokens`
 * (`createBedrockTokenCounter`). The environment is the gateway's (`host.env`), read at each
 * call; STS and IAM Identity Center are called through the host's outbound client with the
 * provider's network policy. The shared files' parsed copies, a profile's temporary keys and the
 * models refused for counting live as long as the adapter.
 */
export function createBedrockAdapter(host: HostServices, log?: Pick<Logger, 'warn'>): ProviderAdapter {
  const credentials = createBedrockCredentialSource({
    warn: (message) => log?.warn(message),
    env: () => host.env ?? process.env,
    now: () => host.now(),
    registerSecret: (v) => host.registerSecret?.(v),
    fetch: (url, init, provider) => providerFetch(host.http, provider, { timeouts: AWS_CREDENTIAL_TIMEOUTS, stream: false })(url, init),
  });
  const deps: BedrockDeps = { host, credentials, media: createMediaCache({ now: () => host.now() }) };
  const countTokens = createBedrockTokenCounter(deps);
  return {
    id: 'bedrock',
    chat: {
      generate: (req, attempt, call) => generate(deps, req, attempt, call),
      stream: (req, attempt, call) => stream(deps, req, attempt, call),
    },
    operations: { countTokens },
    preview: (req, provider) => preview(deps, req, provider),
  };
}
