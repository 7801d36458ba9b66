import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

/**
 * Code Assist's quota from `v1internal:retrieveUserQuota`:
 * `{ buckets: [{ modelId, tokenType, remainingFraction, resetTime }] }`. Each bucket limits
 * one model, so its window carries `model` and never blocks the account's other models.
 *
 * @see https://github.com/google-gemini/gemini-cli/blob/main/packages/core/src/code_assist/types.ts
 */
export function mapCodeAssistQuota(json: unknown): QuotaWindow[] {
  const buckets = (json as { buckets?: unknown } | null)?.buckets;
  if (!Array.isArray(buckets)) return [];
  const out: QuotaWindow[] = [];
  for (const b of buckets as Array<Record<string, unknown>>) {
    const left = Number(b.remainingFraction);
    if (typeof b.modelId !== 'string' || !Number.isFinite(left)) continue;
    const reset = typeof b.resetTime === 'string' ? Date.parse(b.resetTime) : NaN;
    out.push({
      name: b.modelId, model: b.modelId, usedPercent: Math.round((1 - left) * 10_000) / 100,
      ...(Number.isFinite(reset) ? { resetsAt: reset } : {}),
    });
  }
  return out;
}
