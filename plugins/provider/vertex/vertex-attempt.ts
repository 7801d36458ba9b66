import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { OutboundInit } from '../../../core/http/types.ts';
import type { AccountRuntime, Attempt } from '../../../core/plugin/types.ts';
import { readErrorBody } from '../../../core/util/upstream-error-body.ts';
import { googleStatusOf, mapVertexError } from './map-vertex-error.ts';
import { toVertexAnthropicBody, toVertexCountTokensBody } from './rewrite-vertex-body.ts';
import { keptBetas, refusedBetasOf, rememberRefused } from './vertex-anthropic-betas.ts';
import { vertexAuth } from './vertex-auth.ts';
import type { VertexPublisher } from './vertex-publisher.ts';
import { anthropicVertexCall, geminiVertexCall, readVertexTarget, vertexModelUrl, type VertexTarget } from './vertex-url.ts';
import type { GoogleTokens } from './google-tokens.ts';

/** What dressing an attempt needs beyond the attempt: the token source and the betas each provider refused. */
export interface VertexDeps {
  tokens: GoogleTokens;
  refusedBetas: Map<string, Set<string>>;
}

/** The account a `credentials:`-only provider's attempts carry, so the delegate sees the token as its secret. */
const KEY_FILE_ACCOUNT: AccountRuntime = { id: 'credentials', label: 'credentials', priority: 0, weight: 1 };

/**
 * The attempt the `gemini` or `anthropic` adapter runs for a Vertex model: its `fetch` maps the
 * URL the delegate built onto the model's Vertex endpoint, rewrites the body where Vertex wants
 * another shape (Claude: no `model`, `anthropic_version`; Gemini token counts: no wrapper), puts
 * the Google credential (and any quota project) on the request, and on a 401 renews a token of
 * `credentials:` once and sends again. Claude requests also lose the `anthropic-beta` flags
 * Vertex refuses, and Google-shaped errors (quota, credentials) are mapped here, since the
 * Anthropic adapter reads only its own.
 * Errors: GW_UPSTREAM_AUTH without credentials; GW_CONFIG_INVALID (500) without a project
 * (outside express mode) or with a bad location; the token source's errors.
 */
export async function vertexAttempt(attempt: Attempt, publisher: VertexPublisher, deps: VertexDeps): Promise<Attempt> {
  const auth = await vertexAuth(attempt, deps.tokens);
  const configured = readVertexTarget(attempt.provider);
  const target: VertexTarget = { ...configured, project: configured.project ?? auth.projectId };
  if (!target.project && !(auth.apiKey && publisher === 'google')) {
    throw new GatewayError('GW_CONFIG_INVALID', `Provider "${attempt.provider.name}" needs project: (the Google Cloud project that Vertex AI bills).`, { status: 500 });
  }
  const model = attempt.target.model;
  const send = async (url: string, init: OutboundInit): Promise<Response> => {
    const headers = new Headers(init.headers as HeadersInit | undefined);
    auth.apply(headers);
    let res = await attempt.fetch(url, { ...init, headers });
    if (res.status === 401 && (await auth.renew())) {
      await res.body?.cancel().catch(() => {});
      auth.apply(headers);
      res = await attempt.fetch(url, { ...init, headers });
    }
    return res;
  };
  return {
    n: attempt.n, last: attempt.last, target: attempt.target, signal: attempt.signal, passthrough: attempt.passthrough,
    provider: { ...attempt.provider, baseUrl: `${target.origin}/v1` },
    account: { ...(attempt.account ?? KEY_FILE_ACCOUNT), secret: auth.secret },
    fetch: publisher === 'google'
      ? (url, init = {}) => sendGemini(send, target, model, url, init)
      : (url, init = {}) => sendAnthropic(send, target, model, url, init, refusedOf(deps, attempt.provider.name)),
  };
}

type Send = (url: string, init: OutboundInit) => Promise<Response>;

function sendGemini(send: Send, target: VertexTarget, model: string, url: string, init: OutboundInit): Promise<Response> {
  const { method, search } = geminiVertexCall(url);
  const body = method === 'countTokens' && typeof init.body === 'string' ? JSON.stringify(toVertexCountTokensBody(JSON.parse(init.body))) : init.body;
  return send(vertexModelUrl(target, 'google', model, method, search), { ...init, body });
}

async function sendAnthropic(send: Send, target: VertexTarget, model: string, url: string, init: OutboundInit, refused: Set<string>): Promise<Response> {
  const sent = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
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
