import type { Database } from 'bun:sqlite';
import { buildUsageWhere, fromUsageDbRow, USAGE_SELECT, type UsageDbRow } from '../../../db/usage-sql.ts';
import type { UsageFilter, UsageRow } from '../../../db/usage-repo.ts';

/** Time bucket of a series. */
export type Bucket = 'hour' | 'day';
/** What splits a series. */
export type GroupBy = 'model' | 'provider' | 'key' | 'account';

/** Sums of one bucket (or of a whole range). */
export interface UsagePoint {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  costUsd: number;
}

/** One group's points, oldest bucket first. */
export interface Series {
  group: string | null;
  points: Array<UsagePoint & { t: number }>;
}

const BUCKET_MS: Record<Bucket, number> = { hour: 3600_000, day: 86_400_000 };

/** What counts as an error in charts: anything but success and the client's own cancel. */
const ERROR_SQL = "SUM(CASE WHEN status <> 'ok' AND status <> 'client_cancelled' THEN 1 ELSE 0 END)";

const GROUP_SQL: Record<GroupBy | 'none', string> = {
  model: "COALESCE(provider || '/' || upstream_model, model_requested)",
  provider: 'provider',
  key: 'key_id',
  account: "provider || '/' || COALESCE(account, '')",
  none: "'all'",
};

interface Row {
  t: number;
  g: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * Requests, errors, tokens and cost per time bucket, one series per group. Buckets start at
 * `tzOffsetMin` local midnight/hour boundaries, so a day is the viewer's day. Plain integer
 * arithmetic and standard SQL: the same query runs on PostgreSQL. Callers flush queued rows
 * first so the last second is included.
 */
export function usageTimeseries(
  sqlite: Database, filter: UsageFilter & { since: number; until: number }, bucket: Bucket, groupBy: GroupBy | 'none', tzOffsetMin: number,
): { series: Series[]; totals: UsagePoint } {
  const size = BUCKET_MS[bucket];
  const offset = Math.round(tzOffsetMin * 60_000);
  const where = buildUsageWhere(filter);
  const rows = sqlite.query<Row, (string | number)[]>(
    `SELECT CAST((ts + ?) / ? AS INTEGER) * ? - ? AS t, ${GROUP_SQL[groupBy]} AS g, COUNT(*) AS requests, ${ERROR_SQL} AS errors, ` +
    'COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens, COALESCE(SUM(cost_usd), 0) AS costUsd ' +
    `FROM usage${where.sql} GROUP BY t, g ORDER BY t, g`,
  ).all(offset, size, size, offset, ...where.params);
  const byGroup = new Map<string | null, Series>();
  const totals = emptyPoint();
  for (const r of rows) {
    const s = byGroup.get(r.g) ?? { group: r.g, points: [] };
    byGroup.set(r.g, s);
    const p = toPoint(r);
    s.points.push({ t: r.t, ...p });
    add(totals, p);
  }
  return { series: [...byGroup.values()], totals: rounded(totals) };
}

/** Totals per calendar day (`YYYY-MM-DD`) or month (`YYYY-MM`) in the viewer's time zone. */
export function usagePeriods(
  sqlite: Database, filter: UsageFilter & { since: number; until: number }, period: 'day' | 'month', tzOffsetMin: number,
): Array<UsagePoint & { period: string }> {
  const { series } = usageTimeseries(sqlite, filter, 'day', 'none', tzOffsetMin);
  const out = new Map<string, UsagePoint & { period: string }>();
  for (const p of series[0]?.points ?? []) {
    const label = new Date(p.t + tzOffsetMin * 60_000).toISOString().slice(0, period === 'day' ? 10 : 7);
    const row = out.get(label) ?? { period: label, ...emptyPoint() };
    add(row, p);
    out.set(label, row);
  }
  return [...out.values()].map((r) => ({ ...r, costUsd: round6(r.costUsd) }));
}

/** Every row of a range (newest `limit` kept), oldest first, for the CSV export. */
export function usageRows(sqlite: Database, filter: UsageFilter, limit: number): UsageRow[] {
  const where = buildUsageWhere(filter);
  return sqlite.query<UsageDbRow, (string | number)[]>(`SELECT ${USAGE_SELECT} FROM usage${where.sql} ORDER BY ts DESC, id DESC LIMIT ?`)
    .all(...where.params, limit).map(fromUsageDbRow).reverse();
}

/** The usage row of one request (the last one written under that id). */
export function usageRowById(sqlite: Database, requestId: string): UsageRow | undefined {
  const r = sqlite.query<UsageDbRow, [string]>(`SELECT ${USAGE_SELECT} FROM usage WHERE request_id = ? ORDER BY id DESC LIMIT 1`).get(requestId);
  return r ? fromUsageDbRow(r) : undefined;
}

function toPoint(r: Row): UsagePoint {
  return {
    requests: r.requests, errors: r.errors, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
    tokens: r.inputTokens + r.outputTokens, costUsd: round6(r.costUsd),
  };
}

function emptyPoint(): UsagePoint {
  return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, tokens: 0, costUsd: 0 };
}

function add(into: UsagePoint, p: UsagePoint): void {
  into.requests += p.requests;
  into.errors += p.errors;
  into.inputTokens += p.inputTokens;
  into.outputTokens += p.outputTokens;
  into.tokens += p.tokens;
  into.costUsd += p.costUsd;
}

function rounded(p: UsagePoint): UsagePoint {
  return { ...p, costUsd: round6(p.costUsd) };
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
