import { expect } from 'bun:test';
import { rng } from './json-fuzz.ts';

type Body = Record<string, unknown>;

/** What a translator's fast body check is checked against: its schema and its mapping to the hub. */
export interface FastCheck {
  /** The hand check (`isPlainChatBody`, …). */
  fast(body: Body): boolean;
  /** The schema it stands in for. */
  parse(body: Body): { success: boolean; output?: unknown };
  /** The body's hub form, as the decoder builds it. */
  map(body: Body): unknown;
}

/**
 * An `expectAgreement(body)` for a fast check: it may only accept what the schema accepts, the
 * body must map to the same hub request as the schema's output, and mapping must leave the body
 * unchanged (with the fast check, the body is the request's raw form too, which the passthrough
 * lane sends). Returns whether the fast check accepted it.
 */
export function agreementWith(c: FastCheck): (body: Body) => boolean {
  return (body) => {
    const fast = c.fast(body);
    const parsed = c.parse(body);
    if (fast) {
      expect(parsed.success).toBe(true);
      const before = structuredClone(body);
      expect(c.map(body)).toEqual(c.map(parsed.output as Body));
      expect(body).toEqual(before);
    }
    return fast;
  };
}

/**
 * `base` with each of `keys` set to each value of `pool` in turn, through `check` (an agreement
 * check): how many bodies the fast check accepted, to show the fast path is really taken.
 */
export function everyFieldValue(base: Body, keys: readonly string[], pool: readonly unknown[], check: (body: Body) => boolean): number {
  let fast = 0;
  for (const key of keys) for (const value of pool) if (check({ ...base, [key]: value })) fast++;
  return fast;
}

/**
 * 3,000 random bodies from `base` (seeded): up to two of `keys` set to values of `pool`, and half
 * the time `listKey` (messages, contents) replaced by up to three items of `items`.
 */
export function fuzzBodies(
  seed: number, base: Body, keys: readonly string[], pool: readonly unknown[], listKey: string, items: readonly unknown[],
  check: (body: Body) => unknown,
): void {
  const rnd = rng(seed);
  for (let i = 0; i < 3000; i++) {
    const body: Body = structuredClone(base);
    for (let j = rnd(3); j > 0; j--) body[keys[rnd(keys.length)]!] = pool[rnd(pool.length)];
    if (rnd(2)) body[listKey] = Array.from({ length: rnd(4) }, () => items[rnd(items.length)]);
    check(JSON.parse(JSON.stringify(body)));
  }
}
