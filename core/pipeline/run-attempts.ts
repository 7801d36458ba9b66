import type { Bus } from '../bus/bus.ts';
import { isContextOverflow } from '../errors/context-overflow.ts';
import { isUnsupportedByModel } from '../errors/model-cannot.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import { runWrapCall } from '../hooks/run-hooks.ts';
import type { HttpClient } from '../http/types.ts';
import type { Snapshot } from '../plugin/snapshot.ts';
import type {
  Attempt, CallContext, CallResult, GatewayRequest, ProviderAdapter, RoutePlan, StreamParser, Target, Translator,
} from '../plugin/types.ts';
import type { ChatRequest, StreamPart } from '../types/hub.ts';
import { awaitBytesCommit, awaitPartsCommit, emptyFinishOf, emptyReply, isEmptyResult } from './await-commit.ts';
import { asUnreadableReply, contractError, resultProblem } from './check-parts.ts';
import { nativeDialectFor } from '../plugin/native-dialect.ts';

export interface AttemptOutcome {
  result: CallResult;
  attempt: Attempt;
  attempts: number;
}

export interface AttemptDeps {
  snap: Snapshot;
  bus: Bus;
  http: HttpClient;
  translator: Translator;
  /** Masks known secrets in error text that leaves in events (an upstream may echo its key). */
  redact?: (text: string) => string;
}

/** Filled while attempts run, so a caller still knows what was tried when `runAttempts` throws. */
export interface AttemptProgress {
  attempt?: Attempt;
  attempts: number;
}

/**
 * Tries the plan's targets in order. Each attempt runs inside the `wrapCall` onion; a failure
 * before the commit point moves on to the next target when it can succeed elsewhere. When every
 * target failed, the last error is thrown (so a single failing target passes its error through),
 * except when every one was at its rate or quota limit (429 with a wait): then the one whose
 * limit lifts soonest, so the client's Retry-After is the earliest; `progress` then tells which
 * attempt ran last and how many ran.
 */
export async function runAttempts(
  deps: AttemptDeps, plan: RoutePlan, req: GatewayRequest, call: CallContext, progress?: AttemptProgress,
): Promise<AttemptOutcome> {
  let lastError: GatewayError | undefined;
  /** While every failure so far is a rate or quota limit: the one that lifts soonest. */
  let soonest: GatewayError | undefined;
  let onlyLimits = true;
  let n = 0;
  for (const target of plan.targets) {
    if (call.signal.aborted) throw abortError(call);
    const attempt = makeAttempt(deps, target, ++n, n === plan.targets.length, req, call);
    if (!attempt) {
      lastError = new GatewayError('GW_MODEL_NOT_FOUND', `Provider "${target.provider}" is not configured.`);
      continue;
    }
    if (progress) {
      progress.attempt = attempt;
      progress.attempts = n;
    }
    const info = { id: call.id, provider: target.provider, account: attempt.account?.id, model: target.model, n };
    deps.bus.emitSoon('attempt:started', info);
    const t0 = performance.now();
    try {
      const result = await runWrapCall(deps.snap, deps.bus, (r) => callProvider(deps, r, attempt, call), req, attempt, call);
      deps.bus.emitSoon('attempt:succeeded', { ...info, latencyMs: performance.now() - t0 });
      return { result, attempt, attempts: n };
    } catch (e) {
      const err = call.signal.aborted ? abortError(call) : toGatewayError(e);
      deps.bus.emitSoon('attempt:failed', {
        ...info, status: err.upstream?.status ?? err.status, code: String(err.code), error: deps.redact ? deps.redact(err.message) : err.message,
        retryable: err.retryable, retryAfterMs: err.retryAfterMs,
      });
      if (!canFallback(err)) throw err;
      lastError = err;
      if (onlyLimits && err.status === 429 && err.retryAfterMs !== undefined) {
        if (!soonest || err.retryAfterMs < soonest.retryAfterMs!) soonest = err;
      } else {
        onlyLimits = false;
      }
    }
  }
  // Every target is at its limit: the client waits for the first to lift, not for the last one tried.
  throw (onlyLimits ? soonest : undefined) ?? lastError ?? new GatewayError('GW_MODEL_NOT_FOUND', `No target can serve model "${req.model}".`);
}

/**
 * Errors worth another target: everything but the client's own fault and aborts. A request too
 * long for one model's context window, or using what one model cannot take (images, tools), is
 * not the client's fault for the next one.
 */
function canFallback(err: GatewayError): boolean {
  if (err.code === 'GW_CLIENT_CLOSED' || err.code === 'GW_DEADLINE') return false;
  if (err.code === 'GW_UNSUPPORTED') return true;
  return err.retryable || !(err.status === 400 || err.status === 413 || err.status === 422) || isContextOverflow(err) || isUnsupportedByModel(err);
}

/** The error to report once the call's signal fired: deadline or client gone. */
export function abortError(call: CallContext): GatewayError {
  const reason = call.signal.reason;
  if (reason && typeof reason === 'object' && 'code' in reason) return toGatewayError(reason);
  return new GatewayError('GW_CLIENT_CLOSED', 'The client closed the request.');
}

/**
 * An attempt shares the request's signal: a client disconnect or the deadline aborts its
 * upstream call; a failed attempt's connection is closed by the outbound client itself.
 */
function makeAttempt(
  deps: AttemptDeps, target: Target, n: number, last: boolean, req: GatewayRequest, call: CallContext,
): Attempt | undefined {
  const provider = call.providers.get(target.provider);
  if (!provider) return undefined;
  const account = target.account ? provider.accounts.find((a) => a.id === target.account) : provider.accounts[0];
  const adapter = deps.snap.adapters.get(provider.type);
  const passthrough = Boolean(
    req.operation === 'chat' && req.raw && nativeDialectFor(adapter, target.model) === deps.translator.dialect &&
    adapter?.chat?.passthrough && deps.snap.hooks.transformPart.length === 0,
  );
  const timeouts = req.stream ? provider.timeouts : provider.wholeReplyTimeouts ?? provider.timeouts;
  const base = { signal: call.signal, timeouts, allowPrivateNetwork: provider.allowPrivateNetwork, proxy: provider.proxy };
  const attempt: RunAttempt = {
    n, last, target, provider, account, signal: call.signal, passthrough, called: false,
    fetch: (url, init) => {
      attempt.called = true;
      return deps.http.fetch(url, init ? {
        ...init,
        signal: call.signal,
        timeouts: init.timeouts ? { ...timeouts, ...init.timeouts } : timeouts,
        allowPrivateNetwork: provider.allowPrivateNetwork,
        proxy: init.proxy ?? provider.proxy,
      } : base);
    },
  };
  return attempt;
}

/** An attempt as `makeAttempt` builds it: it knows whether its adapter called the upstream. */
interface RunAttempt extends Attempt {
  called: boolean;
}

/**
 * True once the attempt's adapter sent a request upstream: a client that leaves after that may
 * still be billed for it (the upstream usually finishes what it started).
 */
export function calledUpstream(attempt: Attempt): boolean {
  return (attempt as Partial<RunAttempt>).called === true;
}

/**
 * The innermost layer: the provider call, read up to the commit point. What the adapter made of
 * the upstream's reply is checked against the hub's contract (check-parts.ts), and an adapter
 * that throws on what its upstream sent is a retryable 502, not the gateway's 500.
 */
async function callProvider(deps: AttemptDeps, req: GatewayRequest, attempt: Attempt, call: CallContext): Promise<CallResult> {
  try {
    const adapter = deps.snap.adapters.get(attempt.provider.type);
    if (!adapter) {
      throw new GatewayError('GW_UNAVAILABLE', `No provider plugin serves type "${attempt.provider.type}".`, { status: 503, retryable: true });
    }
    if (req.operation !== 'chat') return await callOperation(adapter, req, attempt, call);
    const chat = adapter.chat;
    if (!chat) throw unsupported(attempt, 'chat');
    // A feature only a native format can run (`nativeOnly`) is run in the passthrough lane,
    // which is the client's own format: the hub form (built on first read, a whole conversion
    // of the body) is not made for the question.
    const only = attempt.passthrough ? undefined : (req.body as ChatRequest).nativeOnly;
    const native = only && nativeDialectFor(adapter, attempt.target.model);
    if (only && (native === undefined || !only.dialects.includes(native))) {
      throw new GatewayError('GW_UNSUPPORTED',
        `This request uses ${only.feature}, which provider "${attempt.provider.name}" (type ${attempt.provider.type}) cannot run; it needs a provider whose native format is ${only.dialects.join(' or ')}.`);
    }
    const who = attempt.provider.name;
    // An empty reply fails the attempt while another target can serve (see emptyReply).
    const emptyFails = !attempt.last && !asksForMedia(req.raw);
    if (attempt.passthrough && chat.passthrough && req.raw) {
      // A copy per attempt (the adapter may set top-level fields); Gemini bodies carry no model.
      const raw = 'model' in req.raw ? { ...req.raw, model: attempt.target.model } : { ...req.raw };
      const reply = await chat.passthrough(raw, attempt, call);
      // An adapter may decline the lane for this request: it is then made converted, below.
      if (reply) {
        const { status, headers } = reply.response;
        if (!req.stream || !reply.response.body) {
          const bytes = new Uint8Array(await reply.response.arrayBuffer());
          const parts = sideParts(reply.parser, bytes);
          const failed = parts.find((p) => p.type === 'error');
          if (failed && failed.type === 'error') throw failed.error;
          const empty = emptyFails ? emptyFinishOf(parts) : undefined;
          if (empty) throw emptyReply(who, empty);
          return { type: 'passthrough', status, headers, parser: reply.parser, prelude: [bytes], parts };
        }
        const c = await awaitBytesCommit(reply.response.body, reply.parser, who, emptyFails);
        return {
          type: 'passthrough', status, headers, parser: c.parser ?? reply.parser, prelude: c.prelude, reader: c.reader, parts: c.parts,
          createFilter: reply.createFilter,
        };
      }
    }
    const body: ChatRequest = { ...(req.body as ChatRequest), model: attempt.target.model };
    if (req.stream) return { type: 'stream', parts: await awaitPartsCommit(await chat.stream(body, attempt, call), who, emptyFails) };
    const result = await chat.generate(body, attempt, call);
    const problem = resultProblem(result);
    if (problem !== undefined) throw contractError(problem, who);
    if (emptyFails && isEmptyResult(result)) throw emptyReply(who, { reason: result.finishReason, rawReason: result.rawFinishReason });
    return { type: 'result', result };
  } catch (e) {
    throw calledUpstream(attempt) ? asUnreadableReply(e, attempt.provider.name) : e;
  }
}

/**
 * True when a passthrough body asks for output other than text (OpenAI `modalities: ["audio"]`,
 * Gemini `responseModalities: ["IMAGE"]`): its reply may hold no text and still be the answer.
 */
function asksForMedia(raw: Record<string, unknown> | undefined): boolean {
  if (!raw) return false;
  const gen = raw.generationConfig as { responseModalities?: unknown } | undefined;
  const list = raw.modalities ?? gen?.responseModalities;
  return Array.isArray(list) && list.some((m) => typeof m !== 'string' || m.toLowerCase() !== 'text');
}

/**
 * The side parser's parts of a whole passthrough reply. The client gets the upstream's bytes as
 * they are; a parser that cannot read them leaves the books without parts (usage is estimated).
 */
function sideParts(parser: StreamParser, bytes: Uint8Array): StreamPart[] {
  try {
    return [...parser.push(bytes), ...parser.end()];
  } catch {
    return [];
  }
}

async function callOperation(adapter: ProviderAdapter, req: GatewayRequest, attempt: Attempt, call: CallContext): Promise<CallResult> {
  const op = adapter.operations?.[req.operation] as
    | ((r: unknown, a: Attempt, c: CallContext) => Promise<unknown>)
    | undefined;
  if (!op) throw unsupported(attempt, req.operation);
  const body = { ...(req.body as object), model: attempt.target.model };
  return { type: 'result', result: await op(body, attempt, call) };
}

function unsupported(attempt: Attempt, what: string): GatewayError {
  return new GatewayError('GW_UNSUPPORTED', `Provider "${attempt.provider.name}" does not support ${what}.`);
}
