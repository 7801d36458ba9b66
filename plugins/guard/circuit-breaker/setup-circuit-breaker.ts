import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { BreakerBook, type Admission, type Breaker, type StateListener } from './breaker-book.ts';
import type { BreakerConfig } from './breaker-config.ts';
import { classifyBreakerOutcome } from './classify-breaker-outcome.ts';

/** Setup of the circuit-breaker plugin: the `wrapCall` layer and `GET /api/breakers`. */
export function setupCircuitBreaker(ctx: PluginContext<BreakerConfig>): void {
  const onChange: StateListener = (b, from, to) => {
    ctx.log.info(`breaker ${label(b)}: ${from} -> ${to}`);
    ctx.emit('circuit-breaker:state-changed', {
      provider: b.provider, ...(b.account === undefined ? {} : { account: b.account }), from, to,
      ...(to === 'open' ? { openUntil: b.openUntil } : {}),
    });
  };
  // Kept across reloads: a config edit must not close open breakers (the new thresholds apply
  // from the next outcome; a breaker's outcome window keeps the length it was made with).
  const book = ctx.keep(() => new BreakerBook(ctx.config, () => ctx.host.now(), onChange)).configure(ctx.config, onChange);

  ctx.hook('wrapCall', async (next, attempt, call) => {
    const breakers = book.breakersFor(attempt.provider.name, attempt.account?.id, attempt.account?.fingerprint);
    const admission = book.admit(breakers);
    if (!admission.ok && !attempt.last) throw openError(admission);
    try {
      const result = await next();
      book.record(breakers, admission.probes, 'success', admission.seen);
      return result;
    } catch (e) {
      book.record(breakers, admission.probes, classifyBreakerOutcome(e, call.signal.aborted), admission.seen);
      throw e;
    }
  });

  ctx.on('config:reloaded', () => {
    // An id that now names another account (a key removed from `keys:` moves the next one into
    // its place) gets a closed breaker at once, and says so, so the router stops putting it last.
    for (const p of ctx.host.providers().values()) for (const a of p.accounts) {
      if (a.fingerprint !== undefined) book.reidentify(p.name, a.id, a.fingerprint);
    }
  });

  ctx.provide('api', {
    method: 'GET',
    path: '/api/breakers',
    summary: 'Circuit breaker state per provider and per account.',
    handle: () => Response.json({ breakers: book.list().map((b) => describe(b, ctx.host.now(), ctx.config)) }),
  });
}

function label(b: Breaker): string {
  return b.account === undefined ? b.provider : `${b.provider}/${b.account}`;
}

function openError(a: Admission): GatewayError {
  const b = a.blockedBy!;
  const why = b.state === 'open'
    ? `its circuit breaker is open for another ${Math.ceil((a.retryAfterMs ?? 0) / 1000)} s`
    : 'its circuit breaker is probing it';
  return new GatewayError('GW_UNAVAILABLE', `${b.account === undefined ? 'Provider' : 'Account'} "${label(b)}" is skipped: ${why}.`, {
    status: 503, retryable: true, ...(a.retryAfterMs === undefined ? {} : { retryAfterMs: a.retryAfterMs }),
  });
}

function describe(b: Breaker, now: number, cfg: BreakerConfig) {
  const w = b.window.totals(now);
  return {
    provider: b.provider,
    account: b.account ?? null,
    state: b.state,
    consecutiveFailures: b.consecutive,
    failureThreshold: cfg.failures,
    opens: b.opens,
    openUntil: b.state === 'open' ? b.openUntil : null,
    retryInMs: b.state === 'open' ? Math.max(0, b.openUntil - now) : null,
    probing: b.probing,
    window: { requests: w.requests, failures: w.failures, ms: cfg.windowMs },
  };
}
