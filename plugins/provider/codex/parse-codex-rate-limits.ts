import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

/** A window's display name from its length: the two Codex plans' windows are 5 h and weekly. */
function nameOf(slot: 'primary' | 'secondary', minutes: number | undefined): string {
  if (minutes === 300) return '5h';
  if (minutes === 10_080) return '7d';
  return slot;
}

/**
 * The ChatGPT plan's usage windows from the headers of a Codex answer:
 * `x-codex-{primary,secondary}-used-percent`, `…-window-minutes`, and the reset as
 * `…-reset-at` (epoch seconds) or `…-reset-after-seconds`. Empty when the headers are absent.
 *
 * @see https://github.com/openai/codex/blob/main/codex-rs/core/src/client.rs (parse_rate_limit_snapshot)
 */
export function parseCodexRateLimits(h: Headers, now: number): QuotaWindow[] {
  const out: QuotaWindow[] = [];
  for (const slot of ['primary', 'secondary'] as const) {
    const used = Number(h.get(`x-codex-${slot}-used-percent`) ?? NaN);
    if (!Number.isFinite(used)) continue;
    const minutes = Number(h.get(`x-codex-${slot}-window-minutes`) ?? NaN);
    const at = Number(h.get(`x-codex-${slot}-reset-at`) ?? NaN);
    const after = Number(h.get(`x-codex-${slot}-reset-after-seconds`) ?? NaN);
    const resetsAt = Number.isFinite(at) && at > 0 ? at * 1000 : Number.isFinite(after) ? now + after * 1000 : undefined;
    out.push({
      name: nameOf(slot, Number.isFinite(minutes) ? minutes : undefined), usedPercent: used,
      ...(Number.isFinite(minutes) ? { windowMinutes: minutes } : {}), ...(resetsAt === undefined ? {} : { resetsAt }),
    });
  }
  return out;
}
