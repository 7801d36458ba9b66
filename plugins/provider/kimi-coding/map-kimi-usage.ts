import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** Minutes per `timeUnit` of a Kimi limit window. */
const UNIT_MINUTES: Readonly<Record<string, number>> = lookupTable({
  TIME_UNIT_SECOND: 1 / 60,
  TIME_UNIT_MINUTE: 1,
  TIME_UNIT_HOUR: 60,
  TIME_UNIT_DAY: 1440,
});
const WEEK_MINUTES = 10_080;

/** `5h`, `7d`, `30m`: the window's length as the dashboard names windows. */
function windowName(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${Math.round(minutes)}m`;
}

/** One `{ limit, used?, remaining?, resetTime }` detail (numbers come as strings) as a window. */
function toWindow(name: string, minutes: number | undefined, detail: unknown): QuotaWindow | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const d = detail as Record<string, unknown>;
  const limit = Number(d.limit);
  if (!Number.isFinite(limit) || limit <= 0) return undefined;
  const used = d.used !== undefined && d.used !== null && d.used !== '' ? Number(d.used) : limit - Number(d.remaining);
  if (!Number.isFinite(used)) return undefined;
  const resetsAt = typeof d.resetTime === 'string' ? Date.parse(d.resetTime) : NaN;
  return {
    name, usedPercent: Math.round((used / limit) * 10_000) / 100,
    ...(minutes !== undefined ? { windowMinutes: minutes } : {}),
    ...(Number.isFinite(resetsAt) ? { resetsAt } : {}),
  };
}

/**
 * Kimi Code's quota windows from `GET /coding/v1/usages` (what Kimi CLI's `/usage` shows):
 * `{ usage: { limit: "100", used: "26", remaining: "74", resetTime: "…" }, limits: [{ window:
 * { duration: 300, timeUnit: "TIME_UNIT_MINUTE" }, detail: { limit, remaining, resetTime } }] }`.
 * `usage` is the membership's weekly quota (`7d`); each limit is a rolling window named by its
 * length (`5h`). Counts are requests, so the share is `used / limit`; `used` may be missing, then
 * it is `limit - remaining`. Anything unreadable is left out.
 */
export function mapKimiUsage(json: unknown): QuotaWindow[] {
  if (!json || typeof json !== 'object') return [];
  const o = json as { usage?: unknown; limits?: unknown };
  const out: QuotaWindow[] = [];
  const weekly = toWindow('7d', WEEK_MINUTES, o.usage);
  if (weekly) out.push(weekly);
  for (const l of Array.isArray(o.limits) ? o.limits : []) {
    if (!l || typeof l !== 'object') continue;
    const w = (l as { window?: { duration?: unknown; timeUnit?: unknown } }).window;
    const unit = typeof w?.timeUnit === 'string' ? UNIT_MINUTES[w.timeUnit] : undefined;
    const duration = Number(w?.duration);
    const minutes = unit !== undefined && Number.isFinite(duration) && duration > 0 ? duration * unit : undefined;
    const window = toWindow(minutes !== undefined ? windowName(minutes) : 'limit', minutes, (l as { detail?: unknown }).detail);
    if (window) out.push(window);
  }
  return out;
}
