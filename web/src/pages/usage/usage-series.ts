import type { ChartSeries } from '../../components/bar-chart.tsx';
import type { Timeseries, UsageNumbers } from '../../api/types.ts';

export type Metric = 'requests' | 'tokens' | 'costUsd';
const STEP = { hour: 3_600_000, day: 86_400_000 } as const;

/** Bucket starts covering [from, to), aligned like the server (in the given time-zone offset). */
export function bucketStarts(from: number, to: number, bucket: 'hour' | 'day', tzOffsetMin: number): number[] {
  const step = STEP[bucket];
  const shift = tzOffsetMin * 60_000;
  const out: number[] = [];
  for (let b = Math.floor((from + shift) / step) * step - shift; b < to && out.length < 2000; b += step) out.push(b);
  return out;
}

/**
 * Turns the API's sparse series into chart rows: every bucket present (gaps are 0), the
 * `maxSeries - 1` largest groups kept and the rest summed as "other".
 */
export function toChart(ts: Timeseries, metric: Metric, tzOffsetMin: number, otherLabel: string, maxSeries = 7): { starts: number[]; series: ChartSeries[] } {
  const starts = bucketStarts(ts.from, ts.to, ts.bucket, tzOffsetMin);
  for (const s of ts.series) for (const p of s.points) if (!starts.includes(p.t)) starts.push(p.t);
  starts.sort((a, b) => a - b);
  const index = new Map(starts.map((t, i) => [t, i]));
  const rows = ts.series.map((s) => {
    const values = new Array<number>(starts.length).fill(0);
    for (const p of s.points) values[index.get(p.t)!] += p[metric];
    return { name: s.group ?? '—', values, total: values.reduce((a, v) => a + v, 0) };
  }).sort((a, b) => b.total - a.total);
  if (rows.length <= maxSeries) return { starts, series: rows };
  const kept = rows.slice(0, maxSeries - 1);
  const other = rows.slice(maxSeries - 1).reduce((acc, r) => acc.map((v, i) => v + r.values[i]!), new Array<number>(starts.length).fill(0));
  return { starts, series: [...kept, { name: otherLabel, values: other }] };
}

/** Sum of a metric over usage rows. */
export function sumOf(rows: UsageNumbers[], metric: Metric): number {
  return rows.reduce((a, r) => a + r[metric], 0);
}
