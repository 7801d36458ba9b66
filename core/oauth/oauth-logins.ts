import type { Logger } from '../log/logger.ts';
import { buildAuthorizeUrl, exchangeCode, parseRedirectInput } from './authorization-code-flow.ts';
import { pollDeviceToken, pollUntilApproved, requestDeviceCode, type PollOptions } from './device-code-flow.ts';
import type { FlowBook, PendingFlow } from './flow-book.ts';
import { importCredentials } from './import-credentials.ts';
import { OAuthError } from './oauth-error.ts';
import type { AccountIdentity, FlowStart, OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { createPkce, randomUrlToken } from './pkce.ts';

/** How long a started PKCE login waits for its code. */
export const PKCE_FLOW_TTL_MS = 10 * 60_000;
/** The gateway's own redirect target. */
export const CALLBACK_PATH = '/api/oauth/callback';

export type LoginSource = 'pkce' | 'device' | 'import';

/** What the login functions need from the OAuth service. */
export interface LoginDeps {
  specFor(provider: string): { spec: OAuthSpec; ctx: OAuthSpecContext } | undefined;
  /** Stores a finished login; resolves with the account id. */
  finish(provider: string, tokens: TokenSet, source: LoginSource, identity?: AccountIdentity): Promise<string>;
  flows: FlowBook;
  env: Record<string, string | undefined>;
  now(): number;
  log: Logger;
  sleep?: PollOptions['sleep'];
}

function need(d: LoginDeps, provider: string) {
  const found = d.specFor(provider);
  if (!found) throw new OAuthError('unknown_provider', `"${provider}" is not a configured provider with an OAuth login`);
  return found;
}

/**
 * Starts a login. PKCE (default when the spec supports it): returns the URL to open; the code
 * comes back to the gateway's callback (`<origin>/api/oauth/callback`) or, when the client id
 * is registered with a fixed redirect URI, is pasted by the user (`complete`). Device: returns
 * the user code and polls in the background until approved, denied or expired.
 *
 * Errors: OAuthError (unknown provider, flow not supported, device endpoint refused).
 */
export async function startLogin(d: LoginDeps, provider: string, o: { flow?: 'pkce' | 'device'; origin?: string }): Promise<FlowStart> {
  const { spec, ctx } = need(d, provider);
  const kind = o.flow ?? (spec.flows.includes('pkce') ? 'pkce' : spec.flows.includes('device') ? 'device' : undefined);
  if (!kind || !spec.flows.includes(kind)) throw new OAuthError('unsupported', `${spec.displayName} does not support the ${o.flow ?? 'interactive'} login`);
  if (kind === 'device') return startDevice(d, provider, spec, ctx);
  const ep = ctx.endpoints;
  const redirectUri = ep.redirectUri ?? (o.origin ? `${o.origin}${CALLBACK_PATH}` : undefined);
  if (!redirectUri) throw new OAuthError('invalid_request', 'no redirect URI: configure oauth.redirect_uri');
  const pkce = createPkce();
  const state = randomUrlToken(24);
  const expiresAt = d.now() + PKCE_FLOW_TTL_MS;
  d.flows.add({ id: state, provider, kind: 'pkce', status: 'pending', verifier: pkce.verifier, redirectUri, expiresAt });
  const authUrl = buildAuthorizeUrl(ep, { state, challenge: pkce.challenge, redirectUri, params: spec.authorizeParams, redirectParam: spec.redirectParam });
  return { kind: 'pkce', flowId: state, authUrl, redirectUri, mode: ep.redirectUri ? 'paste' : 'callback', expiresAt };
}

async function startDevice(d: LoginDeps, provider: string, spec: OAuthSpec, ctx: OAuthSpecContext): Promise<FlowStart> {
  const { auth, poll } = await deviceRequest(d, spec, ctx);
  const abort = new AbortController();
  const flow: PendingFlow = { id: randomUrlToken(12), provider, kind: 'device', status: 'pending', expiresAt: auth.expiresAt, abort };
  d.flows.add(flow);
  void poll(abort.signal)
    .then((tokens) => d.finish(provider, tokens, 'device'))
    .then((accountId) => d.flows.finish(flow, 'complete', undefined, accountId))
    .catch((e: unknown) => {
      if (abort.signal.aborted) return;
      const message = e instanceof Error ? e.message : String(e);
      d.log.warn('oauth device login failed', { provider, reason: message });
      d.flows.finish(flow, 'error', message);
    });
  return {
    kind: 'device', flowId: flow.id, userCode: auth.userCode, verificationUri: auth.verificationUri,
    ...(auth.verificationUriComplete ? { verificationUriComplete: auth.verificationUriComplete } : {}),
    intervalSec: auth.intervalSec, expiresAt: auth.expiresAt,
  };
}

/** The device code to show and the poll that waits for approval: the spec's own flow, or RFC 8628. */
async function deviceRequest(d: LoginDeps, spec: OAuthSpec, ctx: OAuthSpecContext) {
  if (spec.deviceLogin) {
    const custom = await spec.deviceLogin(ctx);
    return { auth: custom.authorization, poll: (signal: AbortSignal) => pollUntilApproved(ctx, custom.authorization, custom.poll, { sleep: d.sleep, signal }) };
  }
  // Qwen binds its device code to a PKCE pair: the challenge goes with the code request, the verifier with each poll.
  const pkce = spec.devicePkce ? createPkce() : undefined;
  const auth = await requestDeviceCode(ctx, ctx.endpoints, pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {});
  const extra = pkce ? { code_verifier: pkce.verifier } : undefined;
  return {
    auth,
    poll: (signal: AbortSignal) => pollDeviceToken(ctx, ctx.endpoints, auth, { format: spec.tokenRequest, sleep: d.sleep, signal, extra, keep: spec.tokenExtras }),
  };
}

/**
 * The browser came back to the gateway's callback. The `state` must name a pending login of
 * this gateway (else `invalid_state`: a forged or replayed redirect is refused before any code
 * exchange). Resolves with the provider and the connected account.
 */
export async function completeCallback(d: LoginDeps, query: URLSearchParams): Promise<{ provider: string; accountId: string }> {
  const state = query.get('state') ?? '';
  const flow = state ? d.flows.take(state, 'pkce') : undefined;
  if (!flow) throw new OAuthError('invalid_state', 'invalid_state: this login link is unknown, expired or already used');
  const accountId = await redeem(d, flow, { code: query.get('code') ?? undefined, error: query.get('error') ?? undefined });
  return { provider: flow.provider, accountId };
}

/**
 * The user pasted the redirect URL (or `code#state`, or the bare code of the login `flowId`).
 * A state in the pasted text must match a pending login of this provider (and `flowId`, when
 * both are given); otherwise `invalid_state`.
 */
export async function completePaste(d: LoginDeps, provider: string, o: { input: string; flowId?: string }): Promise<string> {
  need(d, provider);
  const parsed = parseRedirectInput(o.input);
  if (parsed.state && o.flowId && parsed.state !== o.flowId) {
    throw new OAuthError('invalid_state', 'invalid_state: the pasted URL belongs to another login');
  }
  const pending = d.flows.pending(provider, 'pkce');
  const id = parsed.state ?? o.flowId ?? (pending.length === 1 ? pending[0]!.id : undefined);
  const flow = id ? d.flows.take(id, 'pkce', provider) : undefined;
  if (!flow) throw new OAuthError('invalid_state', 'invalid_state: no pending login matches this code (start the login again)');
  return redeem(d, flow, parsed);
}

async function redeem(d: LoginDeps, flow: PendingFlow, got: { code?: string; error?: string }): Promise<string> {
  try {
    if (got.error) throw new OAuthError(got.error, `${got.error}: the provider did not authorize the login`);
    if (!got.code || !flow.verifier || !flow.redirectUri) throw new OAuthError('invalid_request', 'invalid_request: no authorization code');
    const { spec, ctx } = need(d, flow.provider);
    const tokens = await exchangeCode(ctx, spec, { code: got.code, verifier: flow.verifier, redirectUri: flow.redirectUri, state: flow.id });
    const accountId = await d.finish(flow.provider, tokens, 'pkce');
    d.flows.finish(flow, 'complete', undefined, accountId);
    return accountId;
  } catch (e) {
    d.flows.finish(flow, 'error', e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** Imports the official CLI's credential file of this provider. Resolves with the account id. */
export async function importLogin(d: LoginDeps, provider: string, path?: string): Promise<string> {
  const { spec } = need(d, provider);
  if (!spec.importer) throw new OAuthError('unsupported', `${spec.displayName} has no credential file to import`);
  const got = importCredentials(spec.importer, d.env, path);
  return d.finish(provider, got.tokens, 'import', got.identity);
}
