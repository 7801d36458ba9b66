import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

/**
 * Usage-endpoint keys → window names, lengths (minutes), and whether the window is advisory.
 * The Opus and Sonnet weeks limit one model family, not the account: a used-up Opus week must
 * not keep Sonnet requests off the subscription for days, so they are shown but never skip it
 * (the upstream's own 429 answers an Opus request then).
 */
const WINDOWS: ReadonlyArray<readonly [string, string, number, boolean]> = [
  ['five_hour', '5h', 300, false],
  ['seven_day', '7d', 10_080, false],
  ['seven_day_opus', '7d-opus', 10_080, true],
  ['seven_day_sonnet', '7d-sonnet', 10_080, true],
];

/**
 * The Claude subscription's usage windows from `GET /api/oauth/usage`:
 * `{ five_hour: { utilization: 6.0, resets_at: "2025-11-04T04:59:59+00:00" }, seven_day: {…},
 * seven_day_opus: {…} | null }`. `utilization` is a percentage; a null window is left out; the per-model weeks are advisory.
 *
 * @see https://docs.anthropic.com/en/docs/claude-code/costs (usage limits; the endpoint is what Claude Code's `/usage` reads)
 */
export function mapClaudeUsage(json: unknown): QuotaWindow[] {
  if (!json || typeof json !== 'object') return [];
  const o = json as Record<string, unknown>;
  const out: QuotaWindow[] = [];
  for (const [key, name, minutes, advisory] of WINDOWS) {
    const w = o[key];
    if (!w || typeof w !== 'object') continue;
    const used = Number((w as { utilization?: unknown }).utilization);
    if (!Number.isFinite(used)) continue;
    const reset = (w as { resets_at?: unknown }).resets_at;
    const resetsAt = typeof reset === 'string' ? Date.parse(reset) : NaN;
    out.push({ name, usedPercent: used, windowMinutes: minutes, ...(Number.isFinite(resetsAt) ? { resetsAt } : {}), ...(advisory ? { advisory } : {}) });
  }
  return out;
}

/**
 * Windows from the unified rate-limit headers of a Messages answer, when the upstream sends
 * them (`anthropic-ratelimit-unified-5h-utilization: 0.42`, `…-5h-reset: <epoch s>`, same for
 * `7d`). Utilization there is a fraction. Empty when the headers are absent.
 */
export function mapClaudeRateLimitHeaders(h: Headers): QuotaWindow[] {
  const out: QuotaWindow[] = [];
  for (const [tag, name, minutes] of [['5h', '5h', 300], ['7d', '7d', 10_080]] as const) {
    const u = h.get(`anthropic-ratelimit-unified-${tag}-utilization`);
    if (u === null || !Number.isFinite(Number(u))) continue;
    const r = Number(h.get(`anthropic-ratelimit-unified-${tag}-reset`));
    out.push({ name, usedPercent: Number(u) * 100, windowMinutes: minutes, ...(Number.isFinite(r) && r > 0 ? { resetsAt: r * 1000 } : {}) });
  }
  return out;
}

/**
 * When a refused request may go again by the overall unified headers
 * (`anthropic-ratelimit-unified-status: rejected`, `…-unified-reset: <epoch s>`), for a 429 whose
 * per-window headers do not say; undefined otherwise.
 */
export function unifiedRejectedUntil(h: Headers): number | undefined {
  if (h.get('anthropic-ratelimit-unified-status') !== 'rejected') return undefined;
  const r = Number(h.get('anthropic-ratelimit-unified-reset'));
  return Number.isFinite(r) && r > 0 ? r * 1000 : undefined;
}
