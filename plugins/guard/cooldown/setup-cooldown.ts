import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { classifyCredentialError } from './classify-credential-error.ts';
import { CooldownBook, type AccountCooldown, type CooldownListener, type Ticket } from './cooldown-book.ts';
import type { CooldownConfig } from './cooldown-config.ts';

/** Setup of the cooldown plugin: the `wrapCall` layer and the `/api/cooldowns` routes. */
export function setupCooldown(ctx: PluginContext<CooldownConfig>): void {
  const onChange: CooldownListener = (a, from, to) => {
    if (to === 'failed') ctx.log.warn(`account ${label(a)} marked failed (${a.reason ?? 'unknown'})`);
    ctx.emit('cooldown:state-changed', {
      provider: a.provider, ...(a.account === undefined ? {} : { account: a.account }), from, to,
      ...(to === 'cooling' ? { until: a.until } : {}), level: a.level, ...(a.reason ? { reason: a.reason } : {}),
    });
  };
  // Kept across reloads: editing the config must not put cooling or failed accounts back in
  // rotation (a long Retry-After would be hammered); `config:reloaded` clears failed ones below.
  const book = ctx.keep(() => new CooldownBook(ctx.config, () => ctx.host.now(), onChange)).configure(ctx.config, onChange);

  ctx.hook('wrapCall', async (next, attempt, call) => {
    const ticket = book.admit(attempt.provider.name, attempt.account?.id, attempt.account?.fingerprint);
    if (!ticket.ok && !attempt.last) throw skipError(ticket);
    try {
      const result = await next();
      book.succeed(ticket);
      return result;
    } catch (e) {
      // What the client sent, read only if an upstream message names a terminal pattern.
      let body: string | undefined;
      const sent = (text: string) => (body ??= JSON.stringify(call.http.body ?? '').toLowerCase()).includes(text);
      const outcome = classifyCredentialError(e, call.signal.aborted, ctx.config.terminalPatterns, sent);
      const err = isGatewayError(e) ? e : undefined;
      const detail = outcome === 'terminal' ? terminalReason(err, ctx.config) : undefined;
      const coolingMs = book.fail(ticket, outcome, err?.retryAfterMs, detail);
      // Tell the layers above (retry) how long this account is out, when the upstream did not.
      if (outcome === 'rate-limited' && err && err.retryAfterMs === undefined && coolingMs !== undefined) {
        throw withRetryAfter(err, coolingMs);
      }
      // A terminal error (no credit, revoked) will not pass by retrying: only the next target helps.
      if (outcome === 'terminal' && err?.retryable) throw notRetryable(err);
      throw e;
    }
  });

  ctx.on('config:reloaded', () => {
    // An account whose name now belongs to another secret (a key removed from `keys:` moves the
    // next one into its place) starts over, and says so, so the router stops putting it last.
    for (const p of ctx.host.providers().values()) for (const a of p.accounts) {
      if (a.fingerprint !== undefined) book.reidentify(p.name, a.id, a.fingerprint);
    }
    const n = book.clearFailed();
    if (n > 0) ctx.log.info(`config reloaded: ${n} failed account(s) back in rotation`);
  });

  ctx.provide('api', {
    method: 'GET',
    path: '/api/cooldowns',
    summary: 'Cooldown state per account (ready, cooling, probing, failed).',
    handle: () => Response.json({ accounts: book.list().map((a) => describe(a, ctx.host.now())) }),
  });
  ctx.provide('api', {
    method: 'POST',
    path: '/api/cooldowns/reset',
    summary: 'Puts accounts back in rotation. Body: {"provider"?, "account"?}; empty resets all.',
    async handle(request) {
      const filter = parseResetFilter(await request.text());
      if (typeof filter === 'string') {
        return Response.json({ error: { message: filter, type: 'invalid_request_error', param: null, code: 'invalid_body' } }, { status: 400 });
      }
      return Response.json({ reset: book.reset(filter) });
    },
  });
}

/**
 * The body of `POST /api/cooldowns/reset`: empty (or `{}`, `null`) resets every account. A
 * filter of the wrong type is refused (a message) rather than read as "reset everything".
 */
function parseResetFilter(text: string): { provider?: string; account?: string } | string {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'The body must be JSON: {"provider"?: string, "account"?: string}.';
  }
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return 'The body must be an object: {"provider"?: string, "account"?: string}.';
  const filter: { provider?: string; account?: string } = {};
  for (const field of ['provider', 'account'] as const) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return `"${field}" must be a string.`;
    filter[field] = value;
  }
  return filter;
}

function label(a: AccountCooldown): string {
  return a.account === undefined ? a.provider : `${a.provider}/${a.account}`;
}

function skipError(t: Ticket): GatewayError {
  const a = t.entry;
  const why = a.state === 'failed'
    ? `it is marked failed (${a.reason ?? 'unknown'}) until an operator resets it`
    : a.state === 'probing'
      ? 'a probe request is checking whether its rate limit has ended'
      : `it is rate-limited for another ${Math.ceil((t.retryAfterMs ?? 0) / 1000)} s`;
  return new GatewayError('GW_UNAVAILABLE', `Account "${label(a)}" is skipped: ${why}.`, {
    status: 503, retryable: true, ...(t.retryAfterMs === undefined ? {} : { retryAfterMs: t.retryAfterMs }),
  });
}

/** The terminal pattern that matched, for the account's `reason` (never the raw message). */
function terminalReason(err: GatewayError | undefined, cfg: CooldownConfig): string {
  const up = err?.upstream;
  if (!up) return 'terminal';
  const text = `${up.code ?? ''} ${up.type ?? ''} ${up.message ?? ''}`.toLowerCase();
  return cfg.terminalPatterns.find((p) => text.includes(p)) ?? (up.status === 402 ? 'payment required' : 'terminal');
}

/** The same error with a wait hint; GatewayError fields are read-only, so it is rebuilt. */
function withRetryAfter(err: GatewayError, retryAfterMs: number): GatewayError {
  return new GatewayError(err.code, err.message, {
    status: err.status, retryable: err.retryable, upstream: err.upstream, retryAfterMs, param: err.param, cause: err.cause,
  });
}

function notRetryable(err: GatewayError): GatewayError {
  return new GatewayError(err.code, err.message, {
    status: err.status, retryable: false, upstream: err.upstream, retryAfterMs: err.retryAfterMs, param: err.param, cause: err.cause,
  });
}

function describe(a: AccountCooldown, now: number) {
  return {
    provider: a.provider,
    account: a.account ?? null,
    state: a.state,
    level: a.level,
    until: a.state === 'cooling' ? a.until : null,
    remainingMs: a.state === 'cooling' ? Math.max(0, a.until - now) : null,
    consecutiveUnauthorized: a.unauthorized,
    reason: a.reason ?? null,
  };
}
