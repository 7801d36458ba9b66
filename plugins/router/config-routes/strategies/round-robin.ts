import type { Candidate, Strategy } from './strategy-types.ts';
import type { RotationBook } from './rotation-book.ts';

/** `options.sticky`: a number of successes, `true` = the default 3, `false` = rotate every time. */
export function stickyCount(value: unknown, fallback = 3): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(1, Math.floor(value));
  if (value === false) return 1;
  return fallback;
}

/**
 * Round-robin with stickiness: the candidate under the cursor goes first until it has served
 * `sticky` successful requests (default 3), then the cursor moves on; requests still in flight
 * count toward that turn, so concurrent requests spread too. A failure of the current candidate
 * moves the cursor at once; an unhealthy current candidate is skipped.
 */
export function createRoundRobin(book: RotationBook): Strategy {
  return {
    name: 'round-robin',
    order(candidates, ctx): Candidate[] {
      const n = candidates.length;
      if (n === 0) return [];
      const sticky = stickyCount(ctx.options.sticky);
      let start = book.cursor(ctx.scope, sticky, ctx.requestId) % n;
      for (let k = 0; k < n; k++) {
        const c = candidates[(start + k) % n];
        if (ctx.stats.healthy(c.target)) {
          if (k > 0) {
            book.skip(ctx.scope, k);
            start = (start + k) % n;
          }
          break;
        }
      }
      const ordered = [...candidates.slice(start), ...candidates.slice(0, start)];
      book.notePick(ctx.requestId, ctx.scope, ordered[0].key, sticky);
      return ordered;
    },
  };
}
