import type { QuotaWindow } from './oauth-types.ts';

/**
 * `known` windows updated by `fresh` ones of the same name (in place); the others are kept and
 * new ones added. For a source that reports only some windows (Claude's unified headers carry
 * 5 h and 7 d, its usage endpoint also the Opus and Sonnet weeks): reporting them alone would
 * drop the rest until the next full report.
 */
export function mergeWindows(known: readonly QuotaWindow[], fresh: readonly QuotaWindow[]): QuotaWindow[] {
  const byName = new Map(fresh.map((w) => [w.name, w]));
  const kept = known.map((w) => byName.get(w.name) ?? w);
  const seen = new Set(known.map((w) => w.name));
  return [...kept, ...fresh.filter((w) => !seen.has(w.name))];
}
