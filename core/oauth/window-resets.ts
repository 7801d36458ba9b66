import type { QuotaWindow } from './oauth-types.ts';

/**
 * The window's reset time when it can be believed at `now`: still ahead and, for a window of
 * known length, no further away than that length (a 5-hour window resets within 5 hours). A
 * reset beyond is garbled (epoch milliseconds sent where seconds belong, a broken date) and is
 * treated like none: believed, it would park the account for years, and a skipped account sends
 * no request whose answer could correct it. Undefined when there is no believable reset.
 */
export function trustedReset(w: QuotaWindow, now: number): number | undefined {
  if (w.resetsAt === undefined || w.resetsAt <= now) return undefined;
  if (w.windowMinutes !== undefined && w.windowMinutes > 0 && w.resetsAt - now > w.windowMinutes * 60_000) return undefined;
  return w.resetsAt;
}

/**
 * When the plan lets the account in again: the latest believable reset (`trustedReset`) among
 * its used-up windows (100 % or more, not advisory), or undefined when no window says.
 */
export function usedUpUntil(windows: readonly QuotaWindow[], now: number): number | undefined {
  let until: number | undefined;
  for (const w of windows) {
    if (w.advisory || !(w.usedPercent >= 100)) continue;
    const reset = trustedReset(w, now);
    if (reset !== undefined && (until === undefined || reset > until)) until = reset;
  }
  return until;
}
