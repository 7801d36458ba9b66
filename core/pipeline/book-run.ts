import type { Bus } from '../bus/bus.ts';
import type { UsageRow, UsageStatus, UsageWriter } from '../db/usage-repo.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../log/logger.ts';
import type { Attempt } from '../plugin/types.ts';
import type { Usage } from '../types/hub.ts';
import type { RunCall } from './run-call.ts';

/** What a finished request run books: who asked, who answered, what it cost, how it ended. */
export interface RunOutcome {
  call: RunCall;
  /** Epoch ms at arrival. */
  arrivedAt: number;
  requestedModel: string;
  stream: boolean;
  status: UsageStatus;
  err: GatewayError | undefined;
  /** The attempt whose upstream call is paid for: the one that answered, or one a departed client left running. */
  billed: Attempt | undefined;
  /** The attempt the row names: the one that answered, else the last that failed. */
  named: Attempt | undefined;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | undefined;
  attempts: number;
  cached: boolean;
}

/**
 * Books a finished run: its usage row and its one terminal event (`response:completed` or
 * `request:failed`, error text masked by `redact`). A token count is a side call of a client's
 * bookkeeping, free at every upstream, and its client gets the local estimate when no target can
 * count: no usage row (an `error` row per count would read as failures), and its events say what
 * it was.
 */
export function bookRun(deps: { bus: Bus; log: Logger; usage: UsageWriter }, redact: (text: string) => string, o: RunOutcome): void {
  const { call, err, named, usage, costUsd } = o;
  const row: UsageRow = {
    requestId: call.id, ts: o.arrivedAt, keyId: call.key?.id ?? null, dialect: call.dialect, operation: call.operation,
    modelRequested: o.requestedModel, provider: named?.provider.name ?? null, account: named?.account?.id ?? null,
    upstreamModel: named?.target.model ?? null, status: o.status, httpStatus: err ? err.upstream?.status ?? err.status : 200,
    errorCode: err ? String(err.code) : null, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
    cachedTokens: usage.cachedInputTokens ?? 0, reasoningTokens: usage.reasoningTokens ?? 0, estimated: Boolean(usage.estimated),
    costUsd, latencyMs: round(o.latencyMs), ttftMs: o.ttftMs === undefined ? null : round(o.ttftMs), attempts: o.attempts,
    stream: o.stream, cached: o.cached,
  };
  const count = call.operation === 'countTokens';
  if (!count) {
    try {
      deps.usage.record(row);
    } catch (e) {
      deps.log.error('usage row not recorded', { id: call.id, error: describeError(e) });
    }
  }
  const side = count ? { operation: 'countTokens' as const } : {};
  if (o.status === 'ok') {
    deps.bus.emitSoon('response:completed', {
      id: call.id, provider: o.billed?.provider.name ?? '', account: row.account ?? undefined, model: o.billed?.target.model ?? o.requestedModel,
      requestedModel: o.requestedModel, keyId: call.key?.id, usage, costUsd, latencyMs: o.latencyMs, ttftMs: o.ttftMs, cached: o.cached,
      status: o.status, ...side,
    });
  } else {
    deps.bus.emitSoon('request:failed', {
      id: call.id, status: row.httpStatus, code: row.errorCode ?? 'GW_INTERNAL', message: err ? redact(err.message) : '',
      latencyMs: o.latencyMs, provider: named?.provider.name, model: named?.target.model, requestedModel: o.requestedModel,
      keyId: call.key?.id, usageStatus: o.status, ...(o.billed ? { usage, costUsd } : {}), ...side,
    });
  }
}

/** An error for the log: its name and message, or its text. */
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
