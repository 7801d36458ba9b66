import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { OutboundInit } from '../../../core/http/types.ts';
import type { AccountRuntime, Attempt, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { MediaCache } from '../../../core/util/media-cache.ts';
import { readErrorBody } from '../../../core/util/upstream-error-body.ts';
import { googleStatusOf, mapVertexError } from './map-vertex-error.ts';
import { inlineAnthropicUrlSources } from './inline-anthropic-url-sources.ts';
import { toVertexAnthropicBody, toVertexCountTokensBody, toVertexPartnerBody } from './rewrite-vertex-body.ts';
import { keptBetas, refusedBetasOf, rememberRefused } from '../../../core/util/anthropic-betas.ts';
import { vertexAuth } from './vertex-auth.ts';
import { withPartnerQuirks } from './vertex-partner-quirks.ts';
import { vertexSend, type VertexSend as Send } from './vertex-send.ts';
import { partnerModelOf, speaksOpenAIChat, type VertexPartner, type VertexPublisher } from './vertex-publisher.ts';
import {
  anthropicVertexCall, geminiVertexCall, openApiVertexCall, partnerVertexCall, readVertexTarget, vertexModelUrl, vertexOpenApiUrl, type VertexTarget,
} from './vertex-url.ts';
import type { GoogleTokens } from './google-tokens.ts';

/** What dressing an attempt needs beyond the attempt: the token source and the betas each provider refused. */
export interface VertexDeps {
  tokens: GoogleTokens;
  refusedBetas: Map<string, Set<string>>;
  /** Images and documents fetched by URL for Claude, kept a while (a conversation resends them each turn). */
  media?: MediaCache;
}

/** The account a `credentials:`-only provider's attempts carry, so the delegate sees the token as its secret. */
const KEY_FILE_ACCOUNT: AccountRuntime = { id: 'credentials', label: 'credentials', priority: 0, weight: 1 };

/**
 * The attempt the `gemini`, `anthropic` or `openai` adapter runs for a Vertex model: its `fetch`
 * maps the URL the delegate built onto the model's Vertex endpoint, rewrites the body where Vertex
 * wants another shape (Claude: no `model`, `anthropic_version`, URL sources fetched and sent
 * inline (`inlineAnthropicUrlSources`); Gemini token counts: no wrapper; partner models: the
 * publisher's chat body (`toVertexPartnerBody`) on `rawPredict` / `streamRawPredict`;
 * open models take the OpenAI body as it is), puts the Google credential (and any quota project)
 * on the request, and on a 401 renews a token of `credentials:` once and sends again. Claude
 * requests also lose the `anthropic-beta` flags Vertex refuses. Google-shaped errors (quota,
 * credentials) of Claude, partner and open models are mapped here, since the Anthropic and OpenAI
 * adapters read only their own (and would take a 401 or 403 of the gateway's credentials for the
 * client's). Errors: GW_UPSTREAM_AUTH without credentials; GW_CONFIG_INVALID (500) without a
 * project (outside express mode) or with a bad location; GW_UNSUPPORTED (400, the next target is
 * tried) for an open or partner model with an API key; the token source's errors.
 */
export async function vertexAttempt(attempt: Attempt, publisher: VertexPublisher, deps: VertexDeps): Promise<Attempt> {
  const auth = await vertexAuth(attempt, deps.tokens);
  const model = attempt.target.model;
  if (auth.apiKey && speaksOpenAIChat(publisher)) {
    throw new GatewayError('GW_UNSUPPORTED',
      `Provider "${attempt.provider.name}" calls Vertex AI with an API key (express mode), which cannot call open or partner models such as "${model}": they take an OAuth access token. Give the provider credentials: (a service-account key, gcloud user credentials or adc) or an access token in keys:.`);
  }
  const configured = readVertexTarget(attempt.provider);
  const target: VertexTarget = { ...configured, project: configured.project ?? auth.projectId };
  if (!target.project && !(auth.apiKey && publisher === 'google')) {
    throw new GatewayError('GW_CONFIG_INVALID', `Provider "${attempt.provider.name}" needs project: (the Google Cloud project that Vertex AI bills).`, { status: 500 });
  }
  const send = vertexSend(attempt, auth);
  const fetch: Attempt['fetch'] = (url, init = {}) => {
    switch (publisher) {
      case 'google':
        return sendGemini(send, target, model, url, init);
      case 'anthropic':
        return sendAnthropic(send, target, model, url, init, refusedOf(deps, attempt.provider.name), attempt, deps.media);
      case 'openapi':
        return sendOpenApi(send, { ...target, project: target.project! }, url, init);
      default:
        return sendPartner(send, { ...target, project: target.project! }, publisher, model, url, init);
    }
  };
  return {
    n: attempt.n, last: attempt.last, target: attempt.target, signal: attempt.signal, passthrough: attempt.passthrough,
    provider: dressedProvider(attempt.provider, `${target.origin}/v1`),
    account: { ...(attempt.account ?? KEY_FILE_ACCOUNT), secret: auth.secret },
    fetch,
  };
}

const dressed = new WeakMap<ProviderRuntime, ProviderRuntime>();

/**
 * The provider as the delegate sees it: the entry with the Vertex base URL and the partner
 * models' wire quirks (`withPartnerQuirks`). One object per provider runtime (rebuilt on
 * reload), so what a delegate keeps per provider (the OpenAI adapter's quirks and the output
 * limits an upstream stated) outlives the attempt.
 */
function dressedProvider(provider: ProviderRuntime, baseUrl: string): ProviderRuntime {
  const known = dressed.get(provider);
  if (known?.baseUrl === baseUrl) return known;
  const next = { ...provider, baseUrl, quirks: withPartnerQuirks(provider.quirks) };
  dressed.set(provider, next);
  return next;
}

/** An open model's chat completion: the `openai` adapter's body as it is, to the project's Chat Completions endpoint. */
async function sendOpenApi(send: Send, target: VertexTarget & { project: string }, url: string, init: OutboundInit): Promise<Response> {
  openApiVertexCall(url);
  return googleErrorsMapped(await send(vertexOpenApiUrl(target), init));
}

/**
 * A partner model's chat completion: the `openai` adapter's body (its quirks already applied) in
 * the publisher's shape, to the model's `rawPredict`, or `streamRawPredict` when it streams.
 */
async function sendPartner(
  send: Send, target: VertexTarget & { project: string }, publisher: VertexPartner, model: string, url: string, init: OutboundInit,
): Promise<Response> {
  const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
  const method = partnerVertexCall(url, body.stream === true);
  const { id, name } = partnerModelOf(model);
  const sent = JSON.stringify(toVertexPartnerBody(publisher, body, name));
  return googleErrorsMapped(await send(vertexModelUrl(target, publisher, id, method), { ...init, body: sent }));
}

function sendGemini(send: Send, target: VertexTarget, model: string, url: string, init: OutboundInit): Promise<Response> {
  const { method, search } = geminiVertexCall(url);
  const body = method === 'countTokens' && typeof init.body === 'string' ? JSON.stringify(toVertexCountTokensBody(JSON.parse(init.body))) : init.body;
  return send(vertexModelUrl(target, 'google', model, method, search), { ...init, body });
}

async function sendAnthropic(
  send: Send, target: VertexTarget, model: string, url: string, init: OutboundInit, refused: Set<string>, attempt: Attempt, media?: MediaCache,
): Promise<Response> {
  const parsed = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
  // Vertex refuses URL sources: the gateway fetches them, as the provider's own calls go.
  const sent = await inlineAnthropicUrlSources(parsed, {
    provider: 'Vertex AI', signal: attempt.signal, fetch: attempt.fetch, cache: media, cacheScope: attempt.provider.name,
  });
  const call = anthropicVertexCall(url, model, sent.stream === true);
  const to = vertexModelUrl(target, 'anthropic', call.model, call.method);
  const body = JSON.stringify(toVertexAnthropicBody(sent, call.model === 'count-tokens'));
  const headers = new Headers(init.headers as HeadersInit | undefined);
  const asked = headers.get('anthropic-beta');
  for (let tries = 0; ; tries++) {
    const betas = keptBetas(asked, refused);
    if (betas) headers.set('anthropic-beta', betas);
    else headers.delete('anthropic-beta');
    const res = await send(to, { ...init, headers, body });
    if (res.ok) return res;
    const text = await readErrorBody(res);
    const google = googleStatusOf(parseJson(text));
    if (google) throw mapVertexError(res.status, google, res.headers);
    const flags = res.status === 400 && tries === 0 ? refusedBetasOf(text) : [];
    if (flags.length === 0) return replay(res, text);
    rememberRefused(refused, flags);
  }
}

/**
 * A 2xx answer as it is; a Google-shaped error (Vertex's own: quota, credentials, a model not
 * enabled) thrown as mapped; any other error replayed for the delegate's own mapping.
 */
async function googleErrorsMapped(res: Response): Promise<Response> {
  if (res.ok) return res;
  const text = await readErrorBody(res);
  const google = googleStatusOf(parseJson(text));
  if (google) throw mapVertexError(res.status, google, res.headers);
  return replay(res, text);
}

/** The error answer again, its body already read (for the delegate's own error mapping). */
function replay(res: Response, text: string): Response {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(text, { status: res.status, headers });
}

function refusedOf(deps: VertexDeps, provider: string): Set<string> {
  let set = deps.refusedBetas.get(provider);
  if (!set) deps.refusedBetas.set(provider, (set = new Set()));
  return set;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
