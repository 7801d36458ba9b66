import { lookupTable } from '../util/lookup-table.ts';

/**
 * Reads how long an upstream asks us to wait before the next request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 * @see https://docs.anthropic.com/en/api/rate-limits#response-headers
 */

/** OpenAI / Groq reset headers (Go duration text) and the `remaining` header of each. */
const OPENAI_RESETS = [
  ['x-ratelimit-reset-requests', 'x-ratelimit-remaining-requests'],
  ['x-ratelimit-reset-tokens', 'x-ratelimit-remaining-tokens'],
] as const;

/** Anthropic reset headers (RFC 3339 time) and the `remaining` header of each. */
const ANTHROPIC_RESETS = [
  ['anthropic-ratelimit-requests-reset', 'anthropic-ratelimit-requests-remaining'],
  ['anthropic-ratelimit-tokens-reset', 'anthropic-ratelimit-tokens-remaining'],
  ['anthropic-ratelimit-input-tokens-reset', 'anthropic-ratelimit-input-tokens-remaining'],
  ['anthropic-ratelimit-output-tokens-reset', 'anthropic-ratelimit-output-tokens-remaining'],
] as const;

const DURATION_UNITS: Readonly<Record<string, number>> = lookupTable({ h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 });

/**
 * Returns the wait in ms (rounded up, never negative), or `undefined` when no header says.
 *
 * Order: `retry-after-ms`, then `retry-after` (seconds or HTTP date), which are explicit
 * instructions; then the rate-limit reset headers (`x-ratelimit-reset-*`: `1s`, `6m0s`,
 * `20ms`; `anthropic-ratelimit-*-reset`: RFC 3339 time). Among reset headers, those whose
 * `remaining` counterpart is `0` decide; when none is known to be exhausted the longest
 * wait is taken, since any of the windows may be the one that refused us.
 * Unparseable values are ignored; a time in the past gives 0.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const n = parseNumber(ms);
    if (n !== undefined) return Math.ceil(n);
  }
  const ra = headers.get('retry-after');
  if (ra !== null) {
    const n = parseNumber(ra);
    if (n !== undefined) return Math.ceil(n * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil(at - now));
  }
  const waits: Array<{ ms: number; exhausted: boolean }> = [];
  for (const [reset, remaining] of OPENAI_RESETS) {
    const v = headers.get(reset);
    const d = v === null ? undefined : parseDuration(v);
    if (d !== undefined) waits.push({ ms: d, exhausted: headers.get(remaining)?.trim() === '0' });
  }
  for (const [reset, remaining] of ANTHROPIC_RESETS) {
    const v = headers.get(reset);
    const at = v === null || !/^\s*\d{4}-\d\d-\d\dT/.test(v) ? NaN : Date.parse(v);
    if (!Number.isNaN(at)) waits.push({ ms: Math.max(0, at - now), exhausted: headers.get(remaining)?.trim() === '0' });
  }
  if (waits.length === 0) return undefined;
  const decisive = waits.some((w) => w.exhausted) ? waits.filter((w) => w.exhausted) : waits;
  return Math.ceil(Math.max(...decisive.map((w) => w.ms)));
}

/** A non-negative decimal number, or `undefined`. */
function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/**
 * Parses a Go-style duration (`1s`, `6m0s`, `1h2m3.5s`, `20ms`, `0.5s`) or a bare number of
 * seconds into ms. Returns `undefined` for anything else.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  const bare = parseNumber(t);
  if (bare !== undefined) return bare * 1000;
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return total;
}
