import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Epoch seconds or ms → ms. */
function epochMs(v: unknown): number | undefined {
  const n = num(v);
  if (n === undefined || n <= 0) return undefined;
  return n < 1e12 ? Math.round(n * 1000) : n;
}

/**
 * Kiro's credit windows from `getUsageLimits`:
 * `{ usageBreakdownList: [{ resourceType: "CREDIT", currentUsageWithPrecision, usageLimitWithPrecision,
 * nextDateReset, freeTrialInfo?: { freeTrialStatus, currentUsageWithPrecision, usageLimitWithPrecision } }],
 * nextDateReset, subscriptionInfo, userInfo }`. A free-trial allowance adds to the plan's own
 * (the account is used up only when both are), so each resource type is one window. Monthly;
 * `nextDateReset` may be epoch seconds or ms.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/kiro/usage_checker.go
 */
export function mapKiroUsage(json: unknown): QuotaWindow[] {
  const o = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const list = Array.isArray(o.usageBreakdownList) ? (o.usageBreakdownList as Array<Record<string, unknown>>) : [];
  const out: QuotaWindow[] = [];
  for (const b of list) {
    let limit = num(b.usageLimitWithPrecision) ?? num(b.usageLimit) ?? 0;
    let used = num(b.currentUsageWithPrecision) ?? num(b.currentUsage) ?? 0;
    const trial = b.freeTrialInfo && typeof b.freeTrialInfo === 'object' ? (b.freeTrialInfo as Record<string, unknown>) : undefined;
    if (trial && trial.freeTrialStatus !== 'EXPIRED') {
      limit += num(trial.usageLimitWithPrecision) ?? num(trial.usageLimit) ?? 0;
      used += num(trial.currentUsageWithPrecision) ?? num(trial.currentUsage) ?? 0;
    }
    if (limit <= 0 || typeof b.resourceType !== 'string') continue;
    const resetsAt = epochMs(b.nextDateReset) ?? epochMs(o.nextDateReset);
    out.push({
      name: b.resourceType.toLowerCase().replace(/_/g, '-'),
      usedPercent: Math.round((used / limit) * 10_000) / 100,
      ...(resetsAt ? { resetsAt } : {}),
    });
  }
  return out;
}

/** The e-mail `getUsageLimits` reports for the account, when it does. */
export function kiroUsageEmail(json: unknown): string | undefined {
  const info = (json as { userInfo?: { email?: unknown } } | null)?.userInfo;
  return typeof info?.email === 'string' && info.email.includes('@') ? info.email : undefined;
}
