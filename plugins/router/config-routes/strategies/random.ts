import type { Candidate, Strategy } from './strategy-types.ts';

/** Fisher–Yates shuffle with the given random source (returns a new array). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A uniformly random order; every candidate is equally likely to go first. */
export const randomOrder: Strategy = {
  name: 'random',
  order: (candidates, ctx): Candidate[] => shuffle(candidates, ctx.random),
};
