import type { Candidate, Strategy } from './strategy-types.ts';

/**
 * Session affinity: one conversation keeps going to the same target. The first choice is the
 * conversation's hash (see `sessionKey`) modulo the candidates; the others follow in declared
 * order from there, so when that one is unhealthy (moved back by the plan builder) the session
 * moves to the same next one every time. Provider-side prompt caches are per account and per
 * model: a conversation that stays reads its cache on every turn, and never changes model
 * halfway. Requests without a session spread like `random`.
 */
export const session: Strategy = {
  name: 'session',
  order(candidates, ctx): Candidate[] {
    const key = ctx.session?.();
    const n = candidates.length;
    const first = key === undefined ? Math.floor(ctx.random() * n) : hash(`${ctx.scope}\u0000${key}`) % n;
    return [...candidates.slice(first), ...candidates.slice(0, first)];
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
