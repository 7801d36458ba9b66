/**
 * Keys remembered for a while, at most `max` of them (the oldest go first): what an upstream
 * refused that will not change soon (a count endpoint it does not have, a model it cannot
 * count), so the next requests skip the call instead of waiting for the same refusal.
 */
export interface ExpiringSet {
  /** True while `key` was added less than `ttlMs` ago. */
  has(key: string): boolean;
  add(key: string): void;
}

export function createExpiringSet(o: { ttlMs: number; max: number; now?: () => number }): ExpiringSet {
  const until = new Map<string, number>();
  const now = o.now ?? Date.now;
  return {
    has: (key) => (until.get(key) ?? 0) > now(),
    add(key) {
      until.delete(key);
      if (until.size >= o.max) until.delete(until.keys().next().value!);
      until.set(key, now() + o.ttlMs);
    },
  };
}
