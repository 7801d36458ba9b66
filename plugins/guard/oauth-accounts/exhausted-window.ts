import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';

/**
 * The window that blocks an account now for `model`: used up (≥ `limitPercent`) with a reset
 * time still ahead, not advisory, and either account-wide or for that very model; the one that
 * resets last wins. A window without a reset time never blocks: nothing would ever say when to
 * try again, and the upstream's own 429 is the better judge.
 */
export function exhaustedWindow(windows: readonly QuotaWindow[], now: number, limitPercent = 100, model?: string): QuotaWindow | undefined {
  let worst: QuotaWindow | undefined;
  for (const w of windows) {
    if (w.advisory || !(w.usedPercent >= limitPercent)) continue;
    if (w.model !== undefined && w.model !== model) continue;
    if (w.resetsAt === undefined || w.resetsAt <= now) continue;
    if (!worst || w.resetsAt > worst.resetsAt!) worst = w;
  }
  return worst;
}
