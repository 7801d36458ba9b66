/**
 * Time windows for limits that reset on the calendar (quotas, budgets): "daily at 04:00
 * Europe/Berlin", "weekly on Monday", "monthly on the 1st", and durations written as `5h`.
 * Time zones go through `Intl` (no tz database of our own). A reset hour skipped by a DST
 * change happens one hour later that day; one that occurs twice happens once.
 */

export type CalendarPeriod = 'daily' | 'weekly' | 'monthly';

export interface CalendarSpec {
  period: CalendarPeriod;
  /** Hour of the reset, 0–23, in `timeZone` (default 0). */
  hour?: number;
  /** Weekly: day of the reset, 0 = Sunday … 6 = Saturday (default 1, Monday). */
  weekday?: number;
  /** Monthly: day of the month, 1–31, clamped to the month's last day (default 1). */
  day?: number;
  /** IANA time zone (default `UTC`). */
  timeZone?: string;
}

/** The current period: `start` ≤ now < `end`, both epoch ms. */
export interface PeriodBounds {
  start: number;
  end: number;
}

interface WallDate {
  year: number;
  month: number;
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** True when `Intl` knows the time zone (use it to validate config). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a time zone. Throws RangeError for an unknown zone. */
export function zonedParts(ts: number, timeZone: string) {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatFor(timeZone).formatToParts(ts)) {
    if (p.type === 'weekday') out.weekday = WEEKDAYS[p.value] ?? 0;
    else if (p.type in out) (out as Record<string, number>)[p.type] = Number(p.value);
  }
  return out;
}

/** Offset of the zone at an instant: wall-clock time minus UTC, in ms. */
function offsetAt(ts: number, timeZone: string): number {
  const t = Math.floor(ts / 1000) * 1000;
  const p = zonedParts(t, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given date and hour. An hour that
 * a DST change skips resolves to the instant the clock jumped over it ("one hour later"); an
 * hour that occurs twice resolves to one of its two instants.
 */
export function zonedTimeToEpoch(date: WallDate, hour: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  // Near a change, the offsets at `wall` and at the first guess are the two sides of it.
  const first = offsetAt(wall, timeZone);
  const second = offsetAt(wall - first, timeZone);
  if (first === second) return wall - first;
  if (offsetAt(wall - second, timeZone) === second) return wall - second;
  if (offsetAt(wall - first, timeZone) === first) return wall - first;
  // Neither offset shows this wall time: it fell in the gap of a spring-forward change. The
  // offset before the change (the smaller) gives the instant the clock skipped it.
  return wall - Math.min(first, second);
}

function addDays(d: WallDate, days: number): WallDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function monthDay(year: number, month: number, day: number): WallDate {
  const t = new Date(Date.UTC(year, month - 1, 1));
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { year: y, month: m, day: Math.min(day, last) };
}

/**
 * The calendar period that contains `now`. Used to answer "what has this key spent today"
 * (`since: start`) and "when does it reset" (`end`). Throws RangeError for an unknown zone.
 */
export function calendarPeriod(now: number, spec: CalendarSpec): PeriodBounds {
  const tz = spec.timeZone ?? 'UTC';
  const hour = spec.hour ?? 0;
  const p = zonedParts(now, tz);
  const today: WallDate = { year: p.year, month: p.month, day: p.day };
  const at = (d: WallDate) => zonedTimeToEpoch(d, hour, tz);
  if (spec.period === 'daily') {
    let start = today;
    if (at(start) > now) start = addDays(start, -1);
    return { start: at(start), end: at(addDays(start, 1)) };
  }
  if (spec.period === 'weekly') {
    const weekday = spec.weekday ?? 1;
    let start = addDays(today, -((p.weekday - weekday + 7) % 7));
    if (at(start) > now) start = addDays(start, -7);
    return { start: at(start), end: at(addDays(start, 7)) };
  }
  const day = spec.day ?? 1;
  let start = monthDay(p.year, p.month, day);
  if (at(start) > now) start = monthDay(p.year, p.month - 1, day);
  return { start: at(start), end: at(monthDay(start.year, start.month + 1, day)) };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `90s`, `30m`, `5h`, `1d`, `2w`, `1h30m` or a plain number of milliseconds. Returns undefined
 * for anything else (callers report it as a config error).
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNITS[m[2]];
    matched = re.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

/** `3h 12m`, `45s`, `2d 4h`: a countdown for humans (two units at most). */
export function formatCountdown(ms: number): string {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [[d, 'd'], [h, 'h'], [m, 'm'], [s, 's']].filter(([n]) => (n as number) > 0).map(([n, u]) => `${n}${u}`);
  return parts.length === 0 ? '0s' : parts.slice(0, 2).join(' ');
}
