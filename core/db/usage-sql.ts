/**
 * SQL of the usage table for the writer and its queries: the column order of the prepared
 * insert, row <-> parameter mapping, one filter written twice (SQL for stored rows, a predicate
 * for rows still queued) that must stay in step, and the two read queries. `sqlite.query`
 * caches each distinct statement, so a filter shape is compiled once.
 */
import type { Database } from 'bun:sqlite';
import type { UsageFilter, UsageRow, UsageStatus, UsageTotals } from './usage-repo.ts';

/** Insert column order; `toUsageParams` returns values in the same order. */
export const USAGE_COLUMNS = [
  'request_id', 'ts', 'key_id', 'dialect', 'operation', 'model_requested', 'provider', 'account',
  'upstream_model', 'status', 'http_status', 'error_code', 'input_tokens', 'output_tokens',
  'cached_tokens', 'reasoning_tokens', 'estimated', 'cost_usd', 'latency_ms', 'ttft_ms',
  'attempts', 'stream', 'cached',
] as const;

type Param = string | number | null;

/** The values of one row for the prepared insert, in `USAGE_COLUMNS` order. */
export function toUsageParams(r: UsageRow): Param[] {
  return [
    r.requestId, r.ts, r.keyId ?? null, r.dialect, r.operation, r.modelRequested, r.provider ?? null,
    r.account ?? null, r.upstreamModel ?? null, r.status, r.httpStatus, r.errorCode ?? null,
    r.inputTokens | 0, r.outputTokens | 0, r.cachedTokens | 0, r.reasoningTokens | 0, r.estimated ? 1 : 0,
    Number.isFinite(r.costUsd) ? r.costUsd : 0, Math.round(r.latencyMs), r.ttftMs == null ? null : Math.round(r.ttftMs),
    r.attempts | 0, r.stream ? 1 : 0, r.cached ? 1 : 0,
  ];
}

/** The select list that names columns like `UsageRow` fields. */
export const USAGE_SELECT =
  'request_id AS requestId, ts, key_id AS keyId, dialect, operation, model_requested AS modelRequested, ' +
  'provider, account, upstream_model AS upstreamModel, status, http_status AS httpStatus, ' +
  'error_code AS errorCode, input_tokens AS inputTokens, output_tokens AS outputTokens, ' +
  'cached_tokens AS cachedTokens, reasoning_tokens AS reasoningTokens, estimated, cost_usd AS costUsd, ' +
  'latency_ms AS latencyMs, ttft_ms AS ttftMs, attempts, stream, cached';

/** A row as `USAGE_SELECT` returns it (booleans as 0/1). */
export type UsageDbRow = Omit<UsageRow, 'estimated' | 'stream' | 'cached' | 'status'> & {
  status: string;
  estimated: number;
  stream: number;
  cached: number;
};

export function fromUsageDbRow(r: UsageDbRow): UsageRow {
  return { ...r, status: r.status as UsageStatus, estimated: !!r.estimated, stream: !!r.stream, cached: !!r.cached };
}

/**
 * WHERE clause for a filter. `since` is inclusive, `until` exclusive; `model` matches the model
 * the client asked for or the upstream model.
 */
export function buildUsageWhere(f: UsageFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (f.since !== undefined) (parts.push('ts >= ?'), params.push(f.since));
  if (f.until !== undefined) (parts.push('ts < ?'), params.push(f.until));
  if (f.keyId !== undefined) (parts.push('key_id = ?'), params.push(f.keyId));
  if (f.provider !== undefined) (parts.push('provider = ?'), params.push(f.provider));
  if (f.account !== undefined) (parts.push('account = ?'), params.push(f.account));
  if (f.model !== undefined) (parts.push('(model_requested = ? OR upstream_model = ?)'), params.push(f.model, f.model));
  if (f.status !== undefined) (parts.push('status = ?'), params.push(f.status));
  return { sql: parts.length ? ' WHERE ' + parts.join(' AND ') : '', params };
}

/** The same filter as `buildUsageWhere`, for rows not yet written. */
export function matchesUsageFilter(r: UsageRow, f: UsageFilter): boolean {
  if (f.since !== undefined && r.ts < f.since) return false;
  if (f.until !== undefined && r.ts >= f.until) return false;
  if (f.keyId !== undefined && r.keyId !== f.keyId) return false;
  if (f.provider !== undefined && r.provider !== f.provider) return false;
  if (f.account !== undefined && r.account !== f.account) return false;
  if (f.model !== undefined && r.modelRequested !== f.model && r.upstreamModel !== f.model) return false;
  if (f.status !== undefined && r.status !== f.status) return false;
  return true;
}

/** Newest rows matching `filter`, stored and queued (`pending`, oldest first) merged by `ts`. */
export function recentUsage(sqlite: Database, pending: readonly UsageRow[], limit: number, filter: UsageFilter): UsageRow[] {
  const n = Math.max(0, Math.floor(limit));
  if (n === 0) return [];
  const where = buildUsageWhere(filter);
  const stored = sqlite
    .query<UsageDbRow, (string | number)[]>(`SELECT ${USAGE_SELECT} FROM usage${where.sql} ORDER BY ts DESC, id DESC LIMIT ?`)
    .all(...where.params, n)
    .map(fromUsageDbRow);
  const queued = pending.filter((r) => matchesUsageFilter(r, filter)).reverse();
  if (queued.length === 0) return stored;
  return queued.concat(stored).sort((a, b) => b.ts - a.ts).slice(0, n);
}

/** Sums over stored and queued rows matching `filter`. */
export function usageTotals(sqlite: Database, pending: readonly UsageRow[], filter: UsageFilter): UsageTotals {
  const where = buildUsageWhere(filter);
  const row = sqlite
    .query<UsageTotals, (string | number)[]>(
      'SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens), 0) AS inputTokens, ' +
        `COALESCE(SUM(output_tokens), 0) AS outputTokens, COALESCE(SUM(cost_usd), 0) AS costUsd FROM usage${where.sql}`,
    )
    .get(...where.params);
  const totals: UsageTotals = row ? { ...row } : { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const r of pending) {
    if (!matchesUsageFilter(r, filter)) continue;
    totals.requests += 1;
    totals.inputTokens += r.inputTokens;
    totals.outputTokens += r.outputTokens;
    totals.costUsd += r.costUsd;
  }
  return totals;
}
