import type { QuotaWindow } from '../../../core/oauth/oauth-types.ts';
import { trustedReset } from '../../../core/oauth/window-resets.ts';

/**
 * The window that blocks an account now for `model`: used up (≥ `limitPercent`) with a
 * believable reset time still ahead (`trustedReset`), not advisory, and either account-wide or
 * for that very model; the one that resets last wins. A window without a believable reset never
 * blocks: nothing would ever say when to try again, and the upstream's own 429 is the better
 * judge.
 */
export function exhaustedWindow(windows: readonly QuotaWindow[], now: number, limitPercent = 100, model?: string): QuotaWindow | undefined {
  let worst: QuotaWindow | undefined;
  let worstReset = 0;
  for (const w of windows) {
    if (w.advisory || !(w.usedPercent >= limitPercent)) continue;
    if (w.model !== undefined && w.model !== model) continue;
    const reset = trustedReset(w, now);
    if (reset === undefined) continue;
    if (!worst || reset > worstReset) {
      worst = w;
      worstReset = reset;
    }
  }
  return worst;
}
