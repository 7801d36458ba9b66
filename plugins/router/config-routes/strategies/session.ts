import type { Candidate, Strategy } from './strategy-types.ts';

/**
 * Session affinity: one conversation keeps going to the same target. Rendezvous hashing: each
 * candidate scores `hash(scope, conversation, candidate)` and the order is by score, so the
 * first choice is stable, and when it is unhealthy (moved back by the plan builder) the session
 * moves to the same next one every time. Adding or removing a candidate (an account, a combo
 * target, on a reload) moves only the conversations that scored it first, not most of them as
 * `hash % n` did. Provider-side prompt caches are per account and per model: a conversation
 * that stays reads its cache on every turn, and never changes model halfway. Requests without a
 * session spread like `random`.
 */
export const session: Strategy = {
  name: 'session',
  order(candidates, ctx): Candidate[] {
    const key = ctx.session?.();
    if (key === undefined) {
      const first = Math.floor(ctx.random() * candidates.length);
      return [...candidates.slice(first), ...candidates.slice(0, first)];
    }
    const base = `${ctx.scope}\u0000${key}\u0000`;
    return candidates
      .map((c) => ({ c, score: hash(base + c.key) }))
      .sort((a, b) => b.score - a.score)
      .map((s) => s.c);
  },
};

/** FNV-1a, 32 bits: stable across restarts and processes. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
