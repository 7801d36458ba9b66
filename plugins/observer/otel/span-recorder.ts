import type { GatewayEvents } from '../../../core/bus/events.ts';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, CallContext, CallResult } from '../../../core/plugin/types.ts';
import type { FinishedSpan } from './encode-otlp-traces.ts';
import { parseTraceparent, randomId } from './trace-context.ts';

export interface SpanRecorderOptions {
  /** Share of new traces recorded (0–1); a client's `traceparent` decides for its own trace. */
  sampleRatio: number;
  /** Takes each finished span (the exporter's queue). */
  emit(span: FinishedSpan): void;
  /** Applied to error messages before they leave the process (secret patterns). */
  redact(text: string): string;
  /** Requests followed at once at most; the oldest is given up past it (default 10 000). */
  maxOpen?: number;
  random?: () => number;
}

/** A request being followed, until its terminal event. */
interface OpenRequest {
  id: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  /** `gen_ai.operation.name`: the GenAI convention's name of the operation. */
  op: string;
  dialect: string;
  requestedModel: string;
  stream: boolean;
}

/** GenAI semantic-convention names of the gateway's operations (others keep their own name). */
const OPERATION_NAMES: Record<string, string> = { chat: 'chat', embed: 'embeddings' };

/** Epoch milliseconds of a `performance.now()` reading. */
const epoch = (perfNow: number) => performance.timeOrigin + perfNow;

/**
 * Turns each request into spans: a server span from arrival to its terminal event (usage, cost,
 * outcome), with a client span per upstream attempt as children. A request joins the trace of
 * the client's `traceparent` when it sent a valid one. Attributes follow the OpenTelemetry GenAI
 * conventions (`gen_ai.*`) plus `switchyard.*`; no bodies, prompts or keys, and error messages
 * are redacted.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
export function createSpanRecorder(o: SpanRecorderOptions) {
  const open = new Map<string, OpenRequest>();
  const maxOpen = o.maxOpen ?? 10_000;
  const random = o.random ?? Math.random;

  return {
    /** `beforeRequest` hook: starts following the request when it is sampled. */
    beforeRequest(req: { model: string; stream: boolean }, call: CallContext): void {
      const parent = parseTraceparent(call.http.headers.get('traceparent'));
      if (!(parent ? parent.sampled : random() < o.sampleRatio)) return;
      if (open.size >= maxOpen) open.delete(open.keys().next().value!);
      open.set(call.id, {
        id: call.id, traceId: parent?.traceId ?? randomId(16), spanId: randomId(8), parentSpanId: parent?.spanId,
        startMs: epoch(call.startedAt), op: OPERATION_NAMES[call.operation] ?? call.operation, dialect: call.dialect, requestedModel: req.model, stream: req.stream,
      });
    },

    /** `wrapCall` hook (innermost): one client span per upstream attempt, ended when it settles. */
    wrapCall(next: () => Promise<CallResult>, attempt: Attempt, call: CallContext): Promise<CallResult> {
      const req = open.get(call.id);
      if (!req) return next();
      const startMs = epoch(performance.now());
      const span = (error?: unknown): FinishedSpan => ({
        traceId: req.traceId, spanId: randomId(8), parentSpanId: req.spanId, kind: 3,
        name: `${req.op} ${attempt.provider.name}/${attempt.target.model}`,
        startMs, endMs: epoch(performance.now()),
        attributes: {
          'gen_ai.operation.name': req.op,
          'gen_ai.provider.name': attempt.provider.name,
          'gen_ai.request.model': attempt.target.model,
          'server.address': hostOf(attempt.provider),
          'switchyard.attempt': attempt.n,
          'switchyard.account': attempt.account?.id,
          'error.type': error === undefined ? undefined : isGatewayError(error) ? String(error.code) : 'GW_INTERNAL',
          'http.response.status_code': isGatewayError(error) ? (error.upstream?.status ?? error.status) : undefined,
        },
        error: error === undefined ? undefined : o.redact(error instanceof Error ? error.message : String(error)),
      });
      return next().then(
        (r) => (o.emit(span()), r),
        (e: unknown) => {
          o.emit(span(e));
          throw e;
        },
      );
    },

    /** `response:completed`: the request's span, with usage and cost. */
    completed(e: GatewayEvents['response:completed']): void {
      const req = open.get(e.id);
      if (!req) return;
      open.delete(e.id);
      o.emit(requestSpan(req, e.latencyMs, {
        'gen_ai.provider.name': e.provider || undefined,
        'gen_ai.response.model': e.model,
        'gen_ai.usage.input_tokens': e.usage?.inputTokens,
        'gen_ai.usage.output_tokens': e.usage?.outputTokens,
        'switchyard.usage.cached_input_tokens': e.usage?.cachedInputTokens,
        'switchyard.usage.estimated': e.usage?.estimated || undefined,
        'switchyard.account': e.account,
        'switchyard.key_id': e.keyId,
        'switchyard.cost_usd': e.costUsd,
        'switchyard.ttft_ms': e.ttftMs,
        'switchyard.cached': e.cached,
        'switchyard.status': e.status,
        'http.response.status_code': 200,
      }));
    },

    /** `request:failed`: the request's span, as an error. */
    failed(e: GatewayEvents['request:failed']): void {
      const req = open.get(e.id);
      if (!req) return;
      open.delete(e.id);
      o.emit(requestSpan(req, e.latencyMs, {
        'gen_ai.provider.name': e.provider,
        'gen_ai.response.model': e.model,
        'switchyard.key_id': e.keyId,
        'switchyard.status': e.usageStatus,
        'error.type': e.code,
        'http.response.status_code': e.status,
      }, o.redact(e.message)));
    },

    /** Requests followed now (for tests and health). */
    openCount: () => open.size,
  };

  /** The request's span; `attrs` (a fresh object) gets the attributes every request has. */
  function requestSpan(req: OpenRequest, latencyMs: number, attrs: FinishedSpan['attributes'], error?: string): FinishedSpan {
    attrs['gen_ai.operation.name'] = req.op;
    attrs['gen_ai.request.model'] = req.requestedModel;
    attrs['switchyard.request_id'] = req.id;
    attrs['switchyard.dialect'] = req.dialect;
    attrs['switchyard.stream'] = req.stream;
    return {
      traceId: req.traceId, spanId: req.spanId, parentSpanId: req.parentSpanId, kind: 2,
      name: `${req.op} ${req.requestedModel}`, startMs: req.startMs, endMs: req.startMs + latencyMs, attributes: attrs, error,
    };
  }
}

export type SpanRecorder = ReturnType<typeof createSpanRecorder>;

/** The upstream host of a provider runtime (parsed once per runtime; rebuilt on reload). */
const hosts = new WeakMap<object, string | undefined>();
function hostOf(provider: { baseUrl?: string }): string | undefined {
  if (hosts.has(provider)) return hosts.get(provider);
  const host = provider.baseUrl && URL.canParse(provider.baseUrl) ? new URL(provider.baseUrl).hostname : undefined;
  hosts.set(provider, host);
  return host;
}
