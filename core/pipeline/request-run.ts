import type { Bus } from '../bus/bus.ts';
import type { UsageStatus, UsageWriter } from '../db/usage-repo.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import { applyTransformPart, runAfterResponse, runBeforeRequest, runSelectRoute, type BeforeOutcome } from '../hooks/run-hooks.ts';
import type { HttpClient } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import { redactPatterns } from '../log/redact.ts';
import type { Snapshot } from '../plugin/snapshot.ts';
import type { Attempt, ClientKeyInfo, CallResult, GatewayRequest, HttpInput, RoutePlan, Translator } from '../plugin/types.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { bookRun, describeError } from './book-run.ts';
import { partProblem } from './check-parts.ts';
import { finishBody, passthroughBody, trackParts, type StreamTracker } from './client-stream.ts';
import { convertAnswerToStream } from './convert-answer-to-stream.ts';
import { encodedBody } from './encoded-body.ts';
import { abortError, calledUpstream, runAttempts, type AttemptOutcome, type AttemptProgress } from './run-attempts.ts';
import { clientSafeError } from './client-safe-error.ts';
import { earlyHeadBody } from './early-head.ts';
import { notRoutedMessage } from './not-routed-message.ts';
import type { KeepaliveSpec } from './keepalive-sweeper.ts';
import { presentable } from './presentable-error.ts';
import { RunCall } from './run-call.ts';
import { billedUnits, computeCost, UsageMeter } from './usage-meter.ts';
import { sweeper, type Watched } from '../util/deadline-sweeper.ts';
import { relayHeaders } from './relay-headers.ts';

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
const ONCE = { once: true } as const;
/** What the wait for a stream's commit point ends with when its head is due first. */
const HEAD_DUE = Symbol('head due');

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return x instanceof Promise;
}

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
  /**
   * A stream still before its commit point sends its response head (and keep-alives) at this
   * `performance.now()` time, through `headDue`, watched by the same sweeper.
   */
  private headAt = Infinity;
  private headDue: ((v: typeof HEAD_DUE) => void) | undefined;
  /** Index in the sweeper. */
  slot = -1;
  private readonly arrivedAt = Date.now();
  private finished = false;
  /** The first error part that reached the client: what the usage row names for `error_midstream`. */
  private streamError: GatewayError | undefined;
  private attempt: Attempt | undefined;
  /** The last attempt when every attempt failed: named in the usage row, not billed. */
  private failedAttempt: Attempt | undefined;
  private attempts = 0;
  private cached = false;
  readonly call: RunCall;

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
    if (deadlineMs > 0) this.deadlineAt = performance.now() + deadlineMs;
    // Watched even without a deadline: a shutdown ends every run through the sweeper (`end`).
    sweeper.add(this);
    // Watched from the end of this synchronous run on, i.e. after the upstream request is
    // written: Bun makes a request's signal on first use (~12 µs on a cold request), and no
    // disconnect can be missed, since one that came first shows as an aborted signal.
    queueMicrotask(this.watchClient);
    this.call = new RunCall(id, translator.dialect, req.operation, req.model, this.ctl.signal, input, snap.providers, snap.config, deps.log, key);
    if (deadlineMs > 0) this.call.deadline = this.arrivedAt + deadlineMs;
  }

  /** Listens for the client going away; the run itself is the listener (`handleEvent`): no closure. */
  private readonly watchClient = (): void => {
    const signal = this.input.request.signal;
    if (!signal) return;
    if (signal.aborted) this.handleEvent();
    else signal.addEventListener('abort', this, ONCE);
  };

  /** The client's request signal aborted (it went away). */
  handleEvent(): void {
    this.ctl.abort(new GatewayError('GW_CLIENT_CLOSED', 'The client closed the request.'));
  }

  /**
   * Ends the request now (the gateway is shutting down and its grace is over): the client gets
   * `reason` in its own dialect (an error event after the commit point) instead of a reset.
   */
  end(reason: unknown): void {
    if (this.ctl.signal.aborted) return;
    sweeper.delete(this);
    this.ctl.abort(reason);
  }

  /** Sweeper tick: aborts the request once its deadline passed. */
  check(now: number): void {
    if (now >= this.headAt) {
      this.headAt = Infinity;
      this.headDue?.(HEAD_DUE);
    }
    if (now < this.deadlineAt || this.ctl.signal.aborted) return;
    sweeper.delete(this);
    const ms = this.snap.config.request.deadline_ms;
    this.ctl.abort(new GatewayError('GW_DEADLINE', `The request did not finish within its deadline of ${ms} ms.`));
  }

  /**
   * Runs an authenticated, decoded request to a Response. Never throws. Steps that answer
   * synchronously (hooks, the config router, the response encoding) are not awaited: each
   * await is a promise hop on every request.
   */
  async run(): Promise<Response> {
    const { bus } = this.deps;
    const call = this.call;
    let progress: AttemptProgress | undefined;
    try {
      const clientId = call.clientRequestId;
      bus.emitSoon('request:received', {
        id: call.id, dialect: call.dialect, model: this.req.model, stream: this.req.stream, keyId: call.key?.id, operation: this.req.operation,
        ...(clientId === undefined ? {} : { clientRequestId: clientId }),
      });

      let before: BeforeOutcome | Promise<BeforeOutcome> = runBeforeRequest(this.snap, bus, this.req, call);
      if (isPromise(before)) before = await before;
      this.req = before.req;
      if (before.short) {
        const reason = 'reason' in before.short ? before.short.reason : before.short.reject.message;
        bus.emit('request:short-circuited', { id: call.id, by: before.short.by, reason });
        if ('reject' in before.short) throw before.short.reject;
        this.cached = true;
        return await this.respond(convertAnswerToStream(before.short.respond, this.req));
      }
      let plan: RoutePlan | undefined | Promise<RoutePlan | undefined> = runSelectRoute(this.snap, bus, this.req, call);
      if (isPromise(plan)) plan = await plan;
      if (!plan || plan.targets.length === 0) {
        throw new GatewayError('GW_MODEL_NOT_FOUND', notRoutedMessage(this.req.model, this.snap), { param: 'model' });
      }
      bus.emitSoon('request:routed', { id: call.id, plan: { targets: plan.targets, strategy: plan.strategy } });
      progress = { attempts: 0 };
      const attempts = runAttempts({ snap: this.snap, bus, http: this.deps.http, translator: this.translator, redact: this.deps.redact }, plan, this.req, call, progress);
      const headMs = this.req.stream ? this.snap.config.server.keepalive_ms : 0;
      let outcome: AttemptOutcome;
      if (headMs > 0) {
        let first = await new Promise<AttemptOutcome | typeof HEAD_DUE>((resolve, reject) => {
          this.headDue = resolve;
          this.headAt = performance.now() + headMs;
          attempts.then(resolve, reject);
        });
        this.headDue = undefined;
        if (first === HEAD_DUE) {
          const early = this.earlyHead();
          if (early) return this.respondEarly(attempts, progress, early);
          first = await attempts;
        }
        outcome = first;
      } else {
        outcome = await attempts;
      }
      this.attempted(outcome);
      const res = this.respond(outcome.result);
      return isPromise(res) ? await res : res;
    } catch (e) {
      return this.call.addHeadersTo(this.translator.encodeError(this.failed(e, progress), call));
    }
  }

  private attempted(outcome: AttemptOutcome): void {
    this.attempt = outcome.attempt;
    this.attempts = outcome.attempts;
  }

  /** The request failed before it was answered: books it, and returns the error the client may see. */
  private failed(e: unknown, progress: AttemptProgress | undefined): GatewayError {
    if (progress && !this.attempt) {
      // Every attempt failed: the last one is named in the usage row.
      this.failedAttempt = progress.attempt;
      this.attempts = progress.attempts;
    }
    const err = this.ctl.signal.aborted ? abortError(this.call) : presentable(toGatewayError(e));
    if (err.code === 'GW_INTERNAL') this.deps.log.error('request failed', { id: this.call.id, error: describeError(e) });
    this.finish(err.code === 'GW_CLIENT_CLOSED' ? 'client_cancelled' : this.attempts === 0 && !this.attempt ? 'rejected' : 'error', err);
    return this.clientSafe(err);
  }

  /**
   * How a stream sends its head early, when its dialect streams SSE and keep-alives are on. A
   * stream's response head waits for the commit point (so a failure before it can still be an
   * HTTP error and move on invisibly); a model that thinks for minutes before its first token
   * would leave the client without a byte for that long, and a client or a proxy in front of
   * the gateway gives up waiting for headers (Cloudflare after 100 s, Bun's and Node's fetch
   * after 300 s), where the provider itself would have answered at once.
   */
  private earlyHead(): { keepalive: KeepaliveSpec; headers: Record<string, string> } | undefined {
    const headers = this.streamHeaders();
    const keepalive = this.keepalive(headers['content-type']!);
    return keepalive && { keepalive, headers };
  }

  /** The response head of a stream the gateway encodes: SSE, and what the client's dialect adds. */
  private streamHeaders(): Record<string, string> {
    return { ...STREAM_HEADERS, ...this.translator.streamHeaders?.(this.req, this.call) };
  }

  /** Keep-alive comments in the client's dialect, for an SSE body when they are on. */
  private keepalive(contentType: string): KeepaliveSpec | undefined {
    const ms = this.snap.config.server.keepalive_ms;
    return ms > 0 && isEventStream(contentType) ? { ms, frame: this.translator.keepAliveFrame ?? ': keep-alive\n\n' } : undefined;
  }

  /**
   * The head of a stream whose commit point has not come within one keep-alive interval: a 200
   * with keep-alive comments while the attempts go on (falling back as before: nothing of an
   * upstream reached the client), then the answer's stream; when every attempt fails, one error
   * event in the client's dialect instead of an HTTP error.
   */
  private respondEarly(
    attempts: Promise<AttemptOutcome>, progress: AttemptProgress, early: { keepalive: KeepaliveSpec; headers: Record<string, string> },
  ): Response {
    const frame = streamErrorFrame(this.translator);
    const body = earlyHeadBody(
      async () => {
        const outcome = await attempts;
        this.attempted(outcome);
        return this.respond(outcome.result);
      },
      (e) => frame(this.failed(e, progress), this.call),
      () => this.ctl.abort(new GatewayError('GW_CLIENT_CLOSED', 'The client closed the stream.')),
      early.keepalive,
    );
    return new Response(body, { status: 200, headers: this.call.headersWith(early.headers) });
  }

  private respond(result: CallResult): Response | Promise<Response> {
    const call = this.call;
    if (result.type === 'result') {
      const final = runAfterResponse(this.snap, this.deps.bus, result, call);
      return isPromise(final) ? final.then((f) => this.respondFinal(f)) : this.respondFinal(final);
    }
    if (result.type === 'passthrough' && !result.reader) {
      // The side parser's parts are for the books only: one that breaks the hub's contract is left out.
      for (const p of result.parts) if (partProblem(p) === undefined) this.onPart(p);
      this.finish('ok');
      const headers = relayHeaders(result.headers, { 'content-type': result.headers.get('content-type') ?? 'application/json' }, this.redact);
      return new Response(result.prelude[0] as Uint8Array<ArrayBuffer>, { status: result.status, headers: this.call.headersWith(headers) });
    }
    const onEnd = (kind: 'done' | 'cancel' | 'error') => this.onEnd(kind);
    if (result.type === 'passthrough') {
      const frame = streamErrorFrame(this.translator);
      const headers = relayHeaders(result.headers, { ...STREAM_HEADERS, 'content-type': result.headers.get('content-type') ?? STREAM_HEADERS['content-type'] }, this.redact);
      const sse = isEventStream(headers['content-type']!);
      const body = passthroughBody(
        result, this, (e, parser) => frame(this.clientSafe(e), call, parser), onEnd, this.keepalive(headers['content-type']!), sse, this.redact,
      );
      return new Response(body, { status: 200, headers: this.call.headersWith(headers) });
    }
    const source = applyTransformPart(this.snap, this.deps.bus, result.parts, call);
    const safe = (e: GatewayError) => this.clientSafe(e);
    const headers = this.streamHeaders();
    const encoder = this.translator.createStreamEncoder?.(this.req, call);
    // With a part encoder the whole lane is one stream layer; otherwise tracker, codec and end are three.
    const body = encoder
      ? encodedBody(source, this, safe, encoder, onEnd, this.keepalive(headers['content-type']!))
      : finishBody(this.translator.encodeStream(trackParts(source, this, safe), this.req, call), onEnd, this.keepalive(headers['content-type']!));
    return new Response(body, { status: 200, headers: this.call.headersWith(headers) });
  }

  /** A complete result, after the `afterResponse` hooks. */
  private respondFinal(final: CallResult): Response | Promise<Response> {
    if (final.type !== 'result') return this.respond(final);
    const usage = (final.result as ChatResult | undefined)?.usage;
    if (usage) this.meter.merge(usage);
    else if (this.req.operation === 'chat' && final.result) this.meter.onResult(final.result as ChatResult);
    this.meter.units = billedUnits(this.req, final.result);
    this.meter.firstPartAt ??= performance.now();
    if (this.meter.captured) this.responseBody = final.result;
    const response = this.translator.encodeResult(final.result, this.req, this.call);
    this.finish('ok');
    return this.call.addHeadersTo(response);
  }

  /** StreamTracker: every part that reaches the client (checked against the hub's contract before). */
  onPart(part: StreamPart): void {
    if (part.type === 'error') this.streamError ??= part.error;
    const first = this.meter.firstPartAt === undefined;
    this.meter.onPart(part, performance.now());
    if (first && this.meter.firstPartAt !== undefined) {
      this.deps.bus.emitSoon('stream:first-part', { id: this.call.id, ttftMs: this.meter.firstPartAt - this.call.startedAt });
    }
  }

  /** StreamTracker: the client stream ended. */
  onEnd(kind: 'done' | 'cancel' | 'error'): void {
    if (kind === 'cancel') {
      this.ctl.abort(new GatewayError('GW_CLIENT_CLOSED', 'The client closed the stream.'));
      this.finish('client_cancelled', new GatewayError('GW_CLIENT_CLOSED', 'The client closed the stream.'));
    } else if (kind === 'error' || this.meter.sawError) {
      // The row and the event name what broke the stream (a deadline, an idle upstream, a reset).
      this.finish('error_midstream', this.streamError ?? new GatewayError('GW_UPSTREAM_ERROR', 'The upstream failed mid-stream.'));
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
      this.deps.log.warn('request bodies not recorded', { id: this.call.id, error: describeError(e) });
    }
  }

  /** Masks secrets: the configured keys and credential shapes (credential shapes only without a redactor). */
  private get redact(): (text: string) => string {
    return this.deps.redact ?? redactPatterns;
  }

  /** The error as the client may see it: secrets an upstream echoed are masked (`clientSafeError`). */
  private clientSafe(err: GatewayError): GatewayError {
    return clientSafeError(err, this.redact);
  }

  /** Records the usage row and the terminal event, exactly once. */
  private finish(status: UsageStatus, err?: GatewayError): void {
    if (this.finished) return;
    this.finished = true;
    sweeper.delete(this);
    const call = this.call;
    const latencyMs = performance.now() - call.startedAt;
    const ttftMs = this.meter.firstPartAt === undefined ? undefined : this.meter.firstPartAt - call.startedAt;
    // A client that left while an upstream was answering: that call counts (an estimate when
    // nothing came back), as a cancelled stream does.
    const left = status === 'client_cancelled' && this.failedAttempt && calledUpstream(this.failedAttempt) ? this.failedAttempt : undefined;
    const upstream = this.attempt ?? left;
    const usage = upstream !== undefined || this.cached ? this.meter.final(this.input.body) : { inputTokens: 0, outputTokens: 0 };
    const provider = upstream?.provider;
    const model = upstream?.target.model;
    const costUsd = provider && model && !this.cached ? computeCost(provider, model, usage, this.req) : 0;
    bookRun(this.deps, this.redact, {
      call, arrivedAt: this.arrivedAt, requestedModel: this.req.model, stream: this.req.stream, status, err, billed: upstream,
      named: this.attempt ?? this.failedAttempt, usage, costUsd, latencyMs, ttftMs, attempts: this.attempts, cached: this.cached,
    });
    if (this.meter.captured) this.recordBodies(err);
    this.deps.release(this.snap);
  }
}

/** The translator's error frame for a stream, or an OpenAI-shaped `data: {"error": …}` event. */
function streamErrorFrame(t: Translator): NonNullable<Translator['encodeStreamError']> {
  return t.encodeStreamError ?? ((e: GatewayError) => `data: ${JSON.stringify({ error: { message: e.message } })}\n\n`);
}

/** An SSE content type, whatever its case (the common lower-case one without a regex). */
function isEventStream(contentType: string): boolean {
  return contentType.startsWith('text/event-stream') || /^text\/event-stream/i.test(contentType);
}

