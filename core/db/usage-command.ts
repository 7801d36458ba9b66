import { usageTimeseries, type GroupBy } from '../server/admin/usage/usage-stats.ts';
import { createKeysRepo } from './keys-repo.ts';
import type { OpenedDatabase } from './open-database.ts';

const GROUPS: readonly GroupBy[] = ['model', 'provider', 'key', 'account'];

export interface UsageCommandOptions {
  db: OpenedDatabase;
  /** Days back from now (default 7). */
  days?: string;
  /** Rows per `model` (default), `provider`, `key` or `account`. */
  by?: string;
  now?: number;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/**
 * `switchyard usage [--days N] [--by model|provider|key|account]`: requests, errors, tokens and
 * cost from the usage table, one row per group, most expensive first, and a total. For a server
 * without the dashboard; reads the database beside a running gateway (rows it has not written
 * yet, at most a second's worth, are not counted). Exit code 2 for a bad flag.
 */
export function usageCommand(o: UsageCommandOptions): number {
  const out = o.out ?? ((l: string) => console.log(l));
  const err = o.err ?? ((l: string) => console.error(l));
  const days = o.days === undefined ? 7 : Number(o.days);
  const by = (o.by ?? 'model') as GroupBy;
  if (!Number.isFinite(days) || days <= 0) {
    err('--days takes a number of days greater than 0.');
    return 2;
  }
  if (!GROUPS.includes(by)) {
    err(`--by takes one of: ${GROUPS.join(', ')}.`);
    return 2;
  }
  const until = o.now ?? Date.now();
  // A window longer than the epoch (`--days 1e9`) reads everything; a Date cannot go that far back.
  const since = Math.max(0, until - days * 86_400_000);
  const { series, totals } = usageTimeseries(o.db.sqlite, { since, until: until + 1 }, 'day', by, 0);
  const names = by === 'key' ? keyNames(o.db) : new Map<string, string>();
  const rows = series.map((s) => {
    const sum = s.points.reduce(
      (a, p) => ({ requests: a.requests + p.requests, errors: a.errors + p.errors, input: a.input + p.inputTokens, output: a.output + p.outputTokens, cost: a.cost + p.costUsd }),
      { requests: 0, errors: 0, input: 0, output: 0, cost: 0 },
    );
    const label = s.group === null ? '(none)' : names.get(s.group) ? `${names.get(s.group)} (${s.group})` : s.group;
    return { label, ...sum };
  }).sort((a, b) => b.cost - a.cost || b.requests - a.requests);
  out(`Usage of the last ${days} day${days === 1 ? '' : 's'}, by ${by} (since ${new Date(since).toISOString().slice(0, 16).replace('T', ' ')} UTC):`);
  if (rows.length === 0) {
    out('No requests.');
    return 0;
  }
  const table = [
    [by, 'requests', 'errors', 'input tokens', 'output tokens', 'cost USD'],
    ...rows.map((r) => [r.label, fmt(r.requests), fmt(r.errors), fmt(r.input), fmt(r.output), usd(r.cost)]),
    ['total', fmt(totals.requests), fmt(totals.errors), fmt(totals.inputTokens), fmt(totals.outputTokens), usd(totals.costUsd)],
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const [i, row] of table.entries()) {
    out(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0 || i === table.length - 2) out(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  return 0;
}

function keyNames(db: OpenedDatabase): Map<string, string> {
  return new Map(createKeysRepo(db).list().map((k) => [k.id, k.name]));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function usd(n: number): string {
  return n >= 1 ? n.toFixed(2) : n.toFixed(4);
}
