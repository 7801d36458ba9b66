/**
 * Usage rows: one per request, written in batches (at most 1 s apart) and in the pipeline's
 * `finally`, so client cancels are recorded too.
 */
export type UsageStatus = 'ok' | 'error' | 'error_midstream' | 'client_cancelled' | 'rejected';

export interface UsageRow {
  requestId: string;
  /** Epoch ms at arrival. */
  ts: number;
  keyId?: string | null;
  dialect: string;
  operation: string;
  modelRequested: string;
  provider?: string | null;
  account?: string | null;
  upstreamModel?: string | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode?: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** True when the token figures are estimates (provider sent none). */
  estimated: boolean;
  costUsd: number;
  latencyMs: number;
  ttftMs?: number | null;
  attempts: number;
  stream: boolean;
  cached: boolean;
}

export interface UsageFilter {
  since?: number;
  until?: number;
  keyId?: string;
  provider?: string;
  account?: string;
  model?: string;
  status?: string;
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Read side of usage, for plugins (quota, budgets) and the admin API. */
export interface UsageQueries {
  /** Newest first. Includes rows still waiting in the write batch. */
  recent(limit: number, filter?: UsageFilter): UsageRow[];
  totals(filter?: UsageFilter): UsageTotals;
}

/** Write side: `record` queues a row; rows reach SQLite within `flushMs` (≤ 1 s). */
export interface UsageWriter {
  record(row: UsageRow): void;
  /** Writes everything queued now (shutdown, tests). */
  flush(): void;
}
