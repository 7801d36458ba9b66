import type { Strategy } from './strategy-types.ts';

/** Declared order (accounts: by priority): the first target takes all traffic until it fails. */
export const fillFirst: Strategy = {
  name: 'fill-first',
  order: (candidates) => [...candidates],
};
