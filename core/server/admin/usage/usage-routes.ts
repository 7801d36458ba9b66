import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { UsageFilter, UsageRow } from '../../../db/usage-repo.ts';
import type { AdminContext } from '../admin-context.ts';
import { apiError, parseOr400 } from '../http/api-error.ts';
import { usagePeriods, usageRows, usageTimeseries } from './usage-stats.ts';

const Int = v.pipe(v.string(), v.regex(/^-?\d{1,16}$/, 'an integer'), v.transform(Number));
/** Last millisecond of 9999-12-31: later times have no four-digit ISO year (the CSV's file name). */
const MAX_TIME = 253_402_300_799_999;
const Time = v.pipe(Int, v.minValue(0, 'epoch ms from 0'), v.maxValue(MAX_TIME, `epoch ms up to ${MAX_TIME} (9999-12-31)`));
const Text = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
/** Query parameters shared by the usage routes (all strings on the wire). */
const Common = {
  from: v.optional(Time), to: v.optional(Time), provider: v.optional(Text), model: v.optional(Text), key: v.optional(Text),
  tzOffsetMin: v.optional(v.pipe(Int, v.minValue(-14 * 60), v.maxValue(14 * 60))),
};
const SeriesQuery = v.object({ ...Common, bucket: v.optional(v.picklist(['hour', 'day'])), groupBy: v.optional(v.picklist(['model', 'provider', 'key', 'account'])) });
const TotalsQuery = v.object({ ...Common, period: v.optional(v.picklist(['day', 'month'])) });
const ExportQuery = v.object(Common);
/** The same parameters as plain strings, for the API docs (parsing happens in the handler). */
const docQuery = (extra: Record<string, v.GenericSchema>) => v.object({
  ...Object.fromEntries(Object.keys(Common).map((k) => [k, v.optional(v.string())])), ...extra,
});

const MAX_BUCKETS = 2000;
const MAX_EXPORT = 100_000;
const DAY = 86_400_000;

const tags = ['admin: usage'];

type CommonQuery = v.InferOutput<typeof ExportQuery>;

/** `from` when it is not given: `until` minus a span, or the start of a period (see `periodsBack`). */
type DefaultFrom = number | ((until: number) => number);

function filterOf(q: CommonQuery, defaultFrom: DefaultFrom, now: number): UsageFilter & { since: number; until: number } {
  const until = q.to ?? now + 1;
  return {
    since: q.from ?? (typeof defaultFrom === 'number' ? until - defaultFrom : defaultFrom(until)), until,
    ...(q.provider ? { provider: q.provider } : {}), ...(q.model ? { model: q.model } : {}), ...(q.key ? { keyId: q.key } : {}),
  };
}

/** `/api/usage/*`: requests, tokens and cost over time, totals per day/month, CSV export. */
export function usageRoutes(ctx: AdminContext) {
  const { deps } = ctx;
  return new Elysia({ name: 'admin-usage' })
    .get('/api/usage/timeseries', ({ query }) => {
      const q = parseOr400(SeriesQuery, query);
      if (!q.ok) return q.response;
      const bucket = q.value.bucket ?? 'hour';
      const f = filterOf(q.value, DAY, deps.now());
      if (f.until <= f.since) return apiError(400, '"to" must be after "from".', 'invalid_body', { param: 'to' });
      if ((f.until - f.since) / (bucket === 'hour' ? 3600_000 : DAY) > MAX_BUCKETS) {
        return apiError(400, `Too many ${bucket} buckets (max ${MAX_BUCKETS}): narrow the range or use bigger buckets.`, 'invalid_body', { param: 'bucket' });
      }
      deps.usage.flush();
      const r = usageTimeseries(deps.sqlite, f, bucket, q.value.groupBy ?? 'none', q.value.tzOffsetMin ?? 0);
      return { from: f.since, to: f.until, bucket, groupBy: q.value.groupBy ?? null, ...r };
    }, { query: docQuery({ bucket: v.optional(v.string()), groupBy: v.optional(v.string()) }), detail: { summary: 'Requests, errors, tokens and cost per hour or day, grouped by model, provider, key or account (`provider/account`).', tags } })
    .get('/api/usage/totals', ({ query }) => {
      const q = parseOr400(TotalsQuery, query);
      if (!q.ok) return q.response;
      const period = q.value.period ?? 'day';
      // A row is labelled with a whole day or month: the default range starts at one (31 days, or 13 months).
      const f = filterOf(q.value, (until) => periodsBack(until, period, period === 'day' ? 30 : 12, q.value.tzOffsetMin ?? 0), deps.now());
      if (f.until <= f.since || (f.until - f.since) / DAY > MAX_BUCKETS) return apiError(400, 'The range is empty or too long.', 'invalid_body', { param: 'from' });
      deps.usage.flush();
      return { period, from: f.since, to: f.until, rows: usagePeriods(deps.sqlite, f, period, q.value.tzOffsetMin ?? 0) };
    }, { query: docQuery({ period: v.optional(v.string()) }), detail: { summary: 'Totals per day or per month.', tags } })
    .get('/api/usage/export.csv', ({ query }) => {
      const q = parseOr400(ExportQuery, query);
      if (!q.ok) return q.response;
      const f = filterOf(q.value, 31 * DAY, deps.now());
      deps.usage.flush();
      const csv = toCsv(usageRows(deps.sqlite, f, MAX_EXPORT));
      const name = `switchyard-usage-${isoDay(f.since)}-${isoDay(f.until)}.csv`;
      return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` } });
    }, { query: docQuery({}), detail: { summary: 'One CSV row per request in the range.', tags } });
}

const COLUMNS: Array<[string, (r: UsageRow) => unknown]> = [
  ['request_id', (r) => r.requestId], ['time', (r) => new Date(r.ts).toISOString()], ['key_id', (r) => r.keyId],
  ['dialect', (r) => r.dialect], ['operation', (r) => r.operation], ['model_requested', (r) => r.modelRequested],
  ['provider', (r) => r.provider], ['account', (r) => r.account], ['upstream_model', (r) => r.upstreamModel],
  ['status', (r) => r.status], ['http_status', (r) => r.httpStatus], ['error_code', (r) => r.errorCode],
  ['input_tokens', (r) => r.inputTokens], ['output_tokens', (r) => r.outputTokens], ['cached_tokens', (r) => r.cachedTokens],
  ['reasoning_tokens', (r) => r.reasoningTokens], ['estimated', (r) => r.estimated], ['cost_usd', (r) => r.costUsd],
  ['latency_ms', (r) => r.latencyMs], ['ttft_ms', (r) => r.ttftMs], ['attempts', (r) => r.attempts], ['stream', (r) => r.stream],
  ['cached', (r) => r.cached],
];

/** RFC 4180 CSV; a cell that starts like a formula is prefixed with `'` (spreadsheet injection). */
export function toCsv(rows: UsageRow[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([, get]) => cell(get(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The start (epoch ms) of the day or month `n` periods before the one holding the last
 * millisecond before `until`, in a time zone `tzOffsetMin` minutes east of UTC.
 */
export function periodsBack(until: number, period: 'day' | 'month', n: number, tzOffsetMin: number): number {
  const offset = tzOffsetMin * 60_000;
  const local = new Date(until - 1 + offset);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  return (period === 'day' ? Date.UTC(y, m, local.getUTCDate() - n) : Date.UTC(y, m - n, 1)) - offset;
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
