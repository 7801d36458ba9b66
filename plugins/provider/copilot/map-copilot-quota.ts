import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

interface Snapshot {
  percent_remaining?: unknown;
  unlimited?: unknown;
}

/**
 * Snapshot keys → window names. Premium requests limit only premium models, and code completions
 * are the editor's inline suggestions (a quota of their own): neither blocks chat on the account.
 */
const SNAPSHOTS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['chat', 'chat', false],
  ['completions', 'completions', true],
  ['premium_interactions', 'premium', true],
];

/**
 * Copilot's monthly quota from `GET api.github.com/copilot_internal/user`:
 * `{ quota_reset_date: "2025-12-01", quota_snapshots: { chat: { percent_remaining, unlimited },
 * completions: {…}, premium_interactions: {…} } }`. Unlimited snapshots are left out.
 *
 * @see https://docs.github.com/en/copilot/managing-copilot/monitoring-usage-and-entitlements/about-premium-requests
 */
export function mapCopilotQuota(json: unknown): QuotaWindow[] {
  if (!json || typeof json !== 'object') return [];
  const o = json as { quota_reset_date?: unknown; quota_snapshots?: Record<string, Snapshot | null> };
  const reset = typeof o.quota_reset_date === 'string' ? Date.parse(o.quota_reset_date) : NaN;
  const out: QuotaWindow[] = [];
  for (const [key, name, advisory] of SNAPSHOTS) {
    const s = o.quota_snapshots?.[key];
    if (!s || s.unlimited === true) continue;
    const left = Number(s.percent_remaining);
    if (!Number.isFinite(left)) continue;
    out.push({ name, usedPercent: Math.max(0, 100 - left), ...(Number.isFinite(reset) ? { resetsAt: reset } : {}), ...(advisory ? { advisory } : {}) });
  }
  return out;
}
