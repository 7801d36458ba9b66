import type { UsageQueries } from '../../../db/usage-repo.ts';

/** How often one target of a combo served its recent requests. */
export interface TargetCount {
  target: string;
  requests: number;
  errors: number;
  lastAt: number;
}

/**
 * Which `provider/upstream-model` served the last `limit` requests made to `name` (a combo or
 * alias), busiest first. Requests no target served (refused, all failed before routing) are
 * left out.
 */
export function recentTargets(usage: UsageQueries, name: string, limit = 500): TargetCount[] {
  const counts = new Map<string, TargetCount>();
  for (const r of usage.recent(limit, { model: name })) {
    if (r.modelRequested !== name || !r.provider) continue;
    const target = `${r.provider}/${r.upstreamModel ?? '?'}`;
    const c = counts.get(target) ?? { target, requests: 0, errors: 0, lastAt: 0 };
    c.requests++;
    if (r.status !== 'ok') c.errors++;
    c.lastAt = Math.max(c.lastAt, r.ts);
    counts.set(target, c);
  }
  return [...counts.values()].sort((a, b) => b.requests - a.requests);
}
