import type { UsageRow } from '../../api/types.ts';

/**
 * `newer` rows, then the rows of `older` that `newer` does not hold (by request id), both newest
 * first. Used to put a fresh first page on top of the rows already shown, and to append a page
 * of older rows below them, without a row shown twice or lost between the two.
 */
export function mergeLogRows(newer: readonly UsageRow[], older: readonly UsageRow[]): UsageRow[] {
  const ids = new Set(newer.map((r) => r.requestId));
  return [...newer, ...older.filter((r) => !ids.has(r.requestId))];
}
