import type { Bus } from '../bus/bus.ts';
import type { UsageRow, UsageStatus, UsageWriter } from '../db/usage-repo.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import { applyTransformPart, runAfterResponse, runBeforeRequest, runSelectRoute } from '../hooks/run-hooks.ts';
import type { HttpClient } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import { redactPatterns } from '../log/redact.ts';
import type { Snapshot } from '../plugin/snapshot.ts';
import type { Attempt, CallContext, ClientKeyInfo, CallResult, GatewayRequest, HttpInput, Translator } from '../plugin/types.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { finishBody, passthroughBody, trackParts, type StreamTracker } from './client-stream.ts';
import { abortError, runAttempts, type AttemptProgress } from './run-attempts.ts';
import { computeCost, UsageMeter } from './usage-meter.ts';
import { sweeper, type Watched } from '../util/deadline-sweeper.ts';

/** Services a request run needs from the gateway. */
export interface RunDeps {
  bus: Bus;
  log: Logger;
  http: HttpClient;
  usage: UsageWriter & { recordBodies(requestId: string, request: unknown, response: unknown): void };
  /** Ends the request's hold on its snapshot. */
  release(snap: Snapshot): void;
  /** Takes one more hold on a snapshot (a custom route that runs the pipeline). */
  retain(snap: Snapshot): void;
  /**
   * Masks secrets (provider keys from the config, credential shapes) in error text sent to the
   * client; default: credential patterns only.
   */
  redact?: (text: string) => string;
}

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/**
 * One request's life: authenticate, hooks, route, attempts, respond, and exactly one terminal
 * event plus one usage row — written in `finish`, which every path reaches once (stream end,
 * client cancel, error).
 */
export class RequestRun implements StreamTracker, Watched {
  private readonly meter: UsageMeter;
  /** Debug mode (`logging.bodies`): the result kept for the request log. */
  private responseBody: unknown;
  private readonly ctl = new AbortController();
  /** `performance.now()` deadline, watched by the shared sweeper (no timer per request). */
  private deadlineAt = Infinity;
  private readonly arrivedAt = Date.now();
  private finished = false;
  private attempt: Attempt | undefined;
  /** The last attempt when every attempt failed: named in the usage row, not billed. */
  private failedAttempt: Attempt | undefined;
  private attempts = 0;
  private cached = false;
  readonly call: CallContext;

  constructor(
    private readonly deps: RunDeps,
    private readonly snap: Snapshot,
    private readonly translator: Translator,
    private readonly input: HttpInput,
    private req: GatewayRequest,
    id: string,
    key?: ClientKeyInfo,
  ) {
    this.meter = new UsageMeter(snap.config.logging.bodies);
    const deadlineMs = snap.config.request.deadline_ms;
    if (deadlineMs > 0) {
      this.deadlineAt = performance.now() + deadlineMs;
      sweeper.add(this);
    }
    input.request.signal?.addEventListener('abort', () => this.ctl.abort(new GatewayError('GW_CLIENT_CLOSED', 'The client closed the request.')), { once: true });
    this.call = {
      id, dialect: translator.dialect, operation: req.operation, requestedModel: req.model,
      startedAt: performance.now(), signal: this.ctl.signal, http: input,
      deadline: deadlineMs > 0 ? this.arrivedAt + deadlineMs : undefined,
      responseHeaders: new Headers({ 'x-request-id': id }), state: new Map(), providers: snap.providers,
      config: snap.config, log: deps.log, key,
    };
  }

  /** Sweeper tick: aborts the request once its deadline passed. */
  check(now: number): void {
    if (now < this.deadlineAt || this.ctl.signal.aborted) return;
    sweeper.delete(this);
    const ms = this.snap.config.request.deadline_ms;
    this.ctl.abort(new GatewayError('GW_DEADLINE', `The request did not finish within its deadline of ${ms} ms.`));
  }

  /** Runs an authenticated, decoded request to a Response. Never throws. */
  async run(): Promise<Response> {
    const { bus } = this.deps;
    const call = this.call;
    try {
      bus.emit('request:received', {
        id: call.id, dialect: call.dialect, model: this.req.model, stream: this.req.stream, keyId: call.key?.id, operation: this.req.operation,
      });

      const before = await runBeforeRequest(this.snap, bus, this.req, call);
      this.req = before.req;
      if (before.short) {
        const reason = 'reason' in before.short ? before.short.reason : before.short.reject.message;
        bus.emit('request:short-circuited', { id: call.id, by: before.short.by, reason });
        if ('reject' in before.short) throw before.short.reject;
        this.cached = true;
        return await this.respond(before.short.respond);
      }
      const plan = await runSelectRoute(this.snap, bus, this.req, call);
      if (!plan || plan.targets.length === 0) {
        throw new GatewayError('GW_MODEL_NOT_FOUND', `The model "${this.req.model}" does not exist or is not routed by this gateway.`, { param: 'model' });
      }
      bus.emit('request:routed', { id: call.id, plan: { targets: plan.targets, strategy: plan.strategy } });
      const progress: AttemptProgress = { attempts: 0 };
      const outcome = await runAttempts(
        { snap: this.snap, bus, http: this.deps.http, translator: this.translator }, plan, this.req, call, progress,
      ).catch((e: unknown) => {
        this.failedAttempt = progress.attempt;
        this.attempts = progress.attempts;
        throw e;
      });
      this.attempt = outcome.attempt;
      this.attempts = outcome.attempts;
      return await this.respond(outcome.result);
    } catch (e) {
      const err = this.ctl.signal.aborted ? abortError(call) : presentable(toGatewayError(e));
      if (err.code === 'GW_INTERNAL') this.deps.log.error('request failed', { id: call.id, error: describe(e) });
      this.finish(err.code === 'GW_CLIENT_CLOSED' ? 'client_cancelled' : this.attempts === 0 && !this.attempt ? 'rejected' : 'error', err);
      return this.withHeaders(this.translator.encodeError(this.clientSafe(err), call));
    }
  }

  private async respond(result: CallResult): Promise<Response> {
    const call = this.call;
    if (result.type === 'result') {
      const final = await runAfterResponse(this.snap, this.deps.bus, result, call);
      if (final.type !== 'result') return this.respond(final);
      const usage = (final.result as ChatResult | undefined)?.usage;
      if (usage) this.meter.merge(usage);
      this.meter.firstPartAt ??= performance.now();
      if (this.meter.captured) this.responseBody = final.result;
      const response = this.translator.encodeResult(final.result, this.req, call);
      this.finish('ok');
      return this.withHeaders(response);
    }
    if (result.type === 'passthrough' && !result.reader) {
      for (const p of result.parts) this.onPart(p);
      this.finish('ok');
      return this.withHeaders(new Response(result.prelude[0] as Uint8Array<ArrayBuffer>, {
        status: result.status, headers: { 'content-type': result.headers.get('content-type') ?? 'application/json' },
      }));
    }
    const keepaliveMs = this.snap.config.server.keepalive_ms;
    const keepalive = (contentType: string) =>
      contentType.startsWith('text/event-stream') && keepaliveMs > 0 ? { ms: keepaliveMs, frame: ': keep-alive\n\n' } : undefined;
    const onEnd = (kind: 'done' | 'cancel' | 'error') => this.onEnd(kind);
    if (result.type === 'passthrough') {
      const frame = this.translator.encodeStreamError ?? ((e: GatewayError) => `data: ${JSON.stringify({ error: { message: e.message } })}\n\n`);
      const headers = { ...STREAM_HEADERS, 'content-type': result.headers.get('content-type') ?? STREAM_HEADERS['content-type'] };
      const body = passthroughBody(result, this, (e) => frame(this.clientSafe(e), call), onEnd, keepalive(headers['content-type']));
      return this.withHeaders(new Response(body, { status: 200, headers }));
    }
    const parts = trackParts(applyTransformPart(this.snap, this.deps.bus, result.parts, call), this, (e) => this.clientSafe(e));
    const headers = { ...STREAM_HEADERS, ...this.translator.streamHeaders?.(this.req, call) };
    const body = finishBody(this.translator.encodeStream(parts, this.req, call), onEnd, keepalive(headers['content-type']));
    return this.withHeaders(new Response(body, { status: 200, headers }));
  }

  /** StreamTracker: every part that reaches the client. */
  onPart(part: StreamPart): void {
    const first = this.meter.firstPartAt === undefined;
    this.meter.onPart(part, performance.now());
    if (first && this.meter.firstPartAt !== undefined) {
      this.deps.bus.emit('stream:first-part', { id: this.call.id, ttftMs: this.meter.firstPartAt - this.call.startedAt });
    }
  }

  /** StreamTracker: the client stream ended. */
  onEnd(kind: 'done' | 'cancel' | 'error'): void {
    if (kind === 'cancel') {
      this.ctl.abort(new GatewayError('GW_CLIENT_CLOSED', 'The client closed the stream.'));
      this.finish('client_cancelled', new GatewayError('GW_CLIENT_CLOSED', 'The client closed the stream.'));
    } else if (kind === 'error' || this.meter.sawError) {
      this.finish('error_midstream', new GatewayError('GW_UPSTREAM_ERROR', 'The upstream failed mid-stream.'));
    } else {
      this.finish('ok');
    }
  }

  /** Debug mode: request and response bodies, redacted and capped by the usage writer. */
  private recordBodies(err?: GatewayError): void {
    const response = this.responseBody ?? (this.meter.captured!.length ? this.meter.captured!.join('') : undefined)
      ?? (err ? { error: err.message } : undefined);
    try {
      this.deps.usage.recordBodies(this.call.id, this.input.body, response);
    } catch (e) {
      this.deps.log.warn('request bodies not recorded', { id: this.call.id, error: describe(e) });
    }
  }

  /**
   * The error as the client may see it: an upstream that echoes the provider key in its error
   * message (`Incorrect API key provided: sk-…`) must not hand that key to the client.
   */
  private clientSafe(err: GatewayError): GatewayError {
    const redact = this.deps.redact ?? redactPatterns;
    const message = redact(err.message);
    const up = err.upstream;
    const upMessage = up?.message === undefined ? undefined : redact(up.message);
    if (message === err.message && upMessage === up?.message) return err;
    return new GatewayError(err.code, message, {
      status: err.status, retryable: err.retryable, retryAfterMs: err.retryAfterMs, param: err.param,
      upstream: up && { ...up, message: upMessage }, cause: err,
    });
  }

  private withHeaders(res: Response): Response {
    for (const [k, v] of this.call.responseHeaders) res.headers.set(k, v);
    return res;
  }

  /** Records the usage row and the terminal event, exactly once. */
  private finish(status: UsageStatus, err?: GatewayError): void {
    if (this.finished) return;
    this.finished = true;
    sweeper.delete(this);
    const call = this.call;
    const latencyMs = performance.now() - call.startedAt;
    const ttftMs = this.meter.firstPartAt === undefined ? undefined : this.meter.firstPartAt - call.startedAt;
    const hadUpstream = this.attempt !== undefined;
    const usage = hadUpstream || this.cached ? this.meter.final(JSON.stringify(this.input.body ?? '').length) : { inputTokens: 0, outputTokens: 0 };
    const provider = this.attempt?.provider;
    const model = this.attempt?.target.model;
    const costUsd = provider && model && !this.cached ? computeCost(provider, model, usage) : 0;
    const named = this.attempt ?? this.failedAttempt;
    const row: UsageRow = {
      requestId: call.id, ts: this.arrivedAt, keyId: call.key?.id ?? null, dialect: call.dialect, operation: call.operation,
      modelRequested: this.req.model, provider: named?.provider.name ?? null, account: named?.account?.id ?? null,
      upstreamModel: named?.target.model ?? null, status, httpStatus: err ? err.upstream?.status ?? err.status : 200,
      errorCode: err ? String(err.code) : null, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
      cachedTokens: usage.cachedInputTokens ?? 0, reasoningTokens: usage.reasoningTokens ?? 0, estimated: Boolean(usage.estimated),
      costUsd, latencyMs: round(latencyMs), ttftMs: ttftMs === undefined ? null : round(ttftMs), attempts: this.attempts,
      stream: this.req.stream, cached: this.cached,
    };
    try {
      this.deps.usage.record(row);
    } catch (e) {
      this.deps.log.error('usage row not recorded', { id: call.id, error: describe(e) });
    }
    if (this.meter.captured) this.recordBodies(err);
    if (status === 'ok') {
      this.deps.bus.emit('response:completed', {
        id: call.id, provider: provider?.name ?? '', account: row.account ?? undefined, model: model ?? this.req.model,
        requestedModel: this.req.model, keyId: call.key?.id, usage, costUsd, latencyMs, ttftMs, cached: this.cached, status,
      });
    } else {
      this.deps.bus.emit('request:failed', {
        id: call.id, status: row.httpStatus, code: row.errorCode ?? 'GW_INTERNAL', message: err?.message ?? '', latencyMs,
        provider: named?.provider.name, model: named?.target.model, requestedModel: this.req.model, keyId: call.key?.id, usageStatus: status,
      });
    }
    this.deps.release(this.snap);
  }
}

/**
 * An upstream that refused the gateway's own credentials (401/403) is the operator's problem,
 * not the client's: the client's key was fine, so it gets a 502 naming the cause.
 */
function presentable(err: GatewayError): GatewayError {
  const up = err.upstream?.status;
  if (up !== 401 && up !== 403) return err;
  return new GatewayError('GW_UPSTREAM_AUTH', `The upstream provider refused the gateway's credentials: ${err.message}`, {
    status: 502, upstream: err.upstream, retryable: err.retryable,
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
