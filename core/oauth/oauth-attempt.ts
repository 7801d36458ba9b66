import { GatewayError } from '../errors/gateway-error.ts';
import type { OutboundInit } from '../http/types.ts';
import type { Attempt, HostServices, ProviderAdapter, ProviderRuntime } from '../plugin/types.ts';
import type { ChatRequest, Dialect } from '../types/hub.ts';
import type { AccessGrant, OAuthHost } from './oauth-types.ts';
import { stableProvider } from '../util/provider-memo.ts';

/** How a subscription provider dresses an attempt of the adapter it delegates to. */
export interface OAuthAttemptOptions {
  /**
   * Puts the grant on the outgoing headers, after the delegate built them (default
   * `authorization: Bearer <token>`). Also the place to fix headers the delegate set.
   */
  authorize?(headers: Headers, grant: AccessGrant): void;
  /** The runtime the delegate sees (base URL from the grant, fixed headers, options). */
  provider?(p: ProviderRuntime, grant: AccessGrant): ProviderRuntime;
  /** Rewrites the JSON body just before it is sent (fields the upstream refuses or requires, an envelope). */
  rewriteBody?(body: Record<string, unknown>, grant: AccessGrant): Record<string, unknown>;
  /**
   * Maps the URL the delegate built to the one this upstream serves (Cloud Code's
   * `v1internal:generateContent` instead of `models/{model}:generateContent`). Only ever a
   * fixed mapping onto the provider's configured base URL: request data never picks a host.
   */
  rewriteUrl?(url: string, grant: AccessGrant): string;
  /** Sees every upstream answer (rate-limit headers), after the retry. */
  onResponse?(res: Response, grant: AccessGrant): void;
  /**
   * Replaces the answer before the delegate reads it; `sent` is the JSON body the delegate
   * built (before `rewriteBody`). Codex uses it to turn a forced SSE stream back into the JSON
   * reply a non-streaming caller expects.
   */
  adaptResponse?(res: Response, sent: Record<string, unknown> | undefined): Response | Promise<Response>;
  /**
   * Answer statuses that mean "this token is no longer good": refresh once and retry (default
   * `[401]`; AWS answers an expired bearer token with 403 AccessDeniedException).
   */
  rejectedStatuses?: readonly number[];
  /**
   * Another answer that means "this token is no longer good" (Anthropic's 403 "OAuth token has
   * been revoked"): refresh once and retry, as for `rejectedStatuses`. Reads a clone, never the
   * answer itself.
   */
  rejects?(res: Response): boolean | Promise<boolean>;
}

/** `host.oauth`, or a clear error when the host runs without a token store. */
export function oauthOf(host: HostServices): OAuthHost {
  if (!host.oauth) throw new GatewayError('GW_UNAVAILABLE', 'This gateway runs without a token store (OAuth providers unavailable).', { status: 503 });
  return host.oauth;
}

/**
 * The adapter registered under `id` in the snapshot now serving. Subscription providers reuse
 * the wire code of the format they speak this way (a plugin cannot import another plugin).
 * Errors: retryable 503 GW_UNAVAILABLE when no plugin serves `id` (disabled or failed).
 */
export function delegateOf(host: HostServices, id: string): ProviderAdapter {
  const a = host.adapter?.(id);
  if (!a?.chat) throw new GatewayError('GW_UNAVAILABLE', `The "${id}" provider plugin is not loaded; it is needed to speak this provider's format.`, { status: 503, retryable: true });
  return a;
}

/** A subscription provider that speaks another adapter's wire format (see `createDelegatingAdapter`). */
export interface DelegatingAdapterSpec {
  id: string;
  nativeDialect: Dialect;
  /** The adapter whose wire code is reused: `openai`, `anthropic`, `gemini`, `openai-responses`… */
  delegate: string;
  /** The attempt the delegate runs with: the account's token, the headers and base URL this upstream wants. */
  dress(attempt: Attempt): Attempt | Promise<Attempt>;
  /** Rewrites a normalized request before delegation (e.g. a system block the upstream requires). */
  request?(req: ChatRequest): ChatRequest;
  /** The same for a raw passthrough body. */
  body?(raw: Record<string, unknown>): Record<string, unknown>;
}

/**
 * The adapter of a subscription provider: every call goes to the `delegate` adapter of the
 * snapshot now serving (looked up per call, so it follows reloads), with the attempt dressed
 * by `dress`. Passthrough too, when the delegate supports it.
 */
export function createDelegatingAdapter(host: HostServices, spec: DelegatingAdapterSpec): ProviderAdapter {
  const chat = () => delegateOf(host, spec.delegate).chat!;
  const request = spec.request ?? ((r: ChatRequest) => r);
  const body = spec.body ?? ((b: Record<string, unknown>) => b);
  return {
    id: spec.id,
    nativeDialect: spec.nativeDialect,
    chat: {
      async generate(req, attempt, call) {
        return chat().generate(request(req), await spec.dress(attempt), call);
      },
      async stream(req, attempt, call) {
        return chat().stream(request(req), await spec.dress(attempt), call);
      },
      async passthrough(raw, attempt, call) {
        const c = chat();
        return c.passthrough!(body(raw), await spec.dress(attempt), call);
      },
    },
    async listModels(provider) {
      return provider.models;
    },
  };
}

/**
 * An attempt carrying the account's current OAuth token, for the delegate adapter. Its
 * `fetch` sends the token (and `authHeaders`), and on a 401 (or a `rejectedStatuses` or
 * `rejects` answer) asks for a refresh once (single-flight across requests:
 * `refreshAfterRejection`) and sends the same request again.
 *
 * Errors: GatewayError `GW_UPSTREAM_AUTH` (retryable: the next target is tried) when the
 * attempt has no account, or the account needs re-auth, or its refresh failed.
 */
export async function oauthAttempt(oauth: OAuthHost, attempt: Attempt, o: OAuthAttemptOptions = {}): Promise<Attempt> {
  const account = attempt.account;
  if (!account) {
    throw new GatewayError('GW_UPSTREAM_AUTH', `Provider "${attempt.provider.name}" has no connected account: connect one in the dashboard (or POST /api/oauth/${attempt.provider.name}/start).`, {
      status: 502, retryable: true,
    });
  }
  const provider = attempt.provider.name;
  const authorize = o.authorize ?? ((h: Headers, g: AccessGrant) => h.set('authorization', `Bearer ${g.token}`));
  let grant = await oauth.getAccessToken(provider, account.id);
  const send = (url: string, init: OutboundInit, sent: Record<string, unknown> | undefined) => {
    const headers = new Headers(init.headers as HeadersInit | undefined);
    authorize(headers, grant);
    const body = o.rewriteBody && sent ? JSON.stringify(o.rewriteBody(sent, grant)) : init.body;
    return attempt.fetch(o.rewriteUrl ? o.rewriteUrl(url, grant) : url, { ...init, headers, body });
  };
  const derived: Attempt = {
    n: attempt.n, last: attempt.last, target: attempt.target, signal: attempt.signal, passthrough: attempt.passthrough,
    provider: o.provider ? stableProvider(attempt.provider, o.provider(attempt.provider, grant)) : attempt.provider,
    account: { ...account, secret: grant.token },
    async fetch(url, init = {}) {
      const sent = (o.rewriteBody || o.adaptResponse) && typeof init.body === 'string' ? parseObject(init.body) : undefined;
      let res = await send(url, init, sent);
      const replayable = typeof init.body === 'string' || init.body == null;
      if (replayable && ((o.rejectedStatuses ?? [401]).includes(res.status) || (!res.ok && o.rejects && (await o.rejects(res))))) {
        await res.body?.cancel().catch(() => {});
        grant = await oauth.refreshAfterRejection(provider, account.id, grant.token);
        res = await send(url, init, sent);
      }
      o.onResponse?.(res, grant);
      return o.adaptResponse ? o.adaptResponse(res, sent) : res;
    },
  };
  return derived;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
