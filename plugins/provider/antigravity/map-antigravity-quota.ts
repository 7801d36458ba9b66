import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

/**
 * Antigravity's per-model quota from `v1internal:fetchAvailableModels`:
 * `{ models: { "<model id>": { displayName, quotaInfo: { remainingFraction, resetTime } } } }`.
 * Each window limits one model, so an exhausted model never blocks the account's others.
 * Models without `quotaInfo` (editor-internal ones) are left out.
 *
 * The call and its shape are what community tools (CLIProxyAPI-based dashboards, OmniRoute) read;
 * Google does not document this internal API.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI (Antigravity support)
 */
export function mapAntigravityQuota(json: unknown): QuotaWindow[] {
  const models = (json as { models?: unknown } | null)?.models;
  if (!models || typeof models !== 'object' || Array.isArray(models)) return [];
  const out: QuotaWindow[] = [];
  for (const [id, m] of Object.entries(models as Record<string, { quotaInfo?: { remainingFraction?: unknown; resetTime?: unknown } }>)) {
    const q = m?.quotaInfo;
    if (!q) continue;
    // An absent remainingFraction means none is left (the API omits zero values).
    const left = q.remainingFraction === undefined ? 0 : Number(q.remainingFraction);
    if (!Number.isFinite(left)) continue;
    const reset = typeof q.resetTime === 'string' ? Date.parse(q.resetTime) : NaN;
    out.push({ name: id, model: id, usedPercent: Math.round((1 - left) * 10_000) / 100, ...(Number.isFinite(reset) ? { resetsAt: reset } : {}) });
  }
  return out;
}
