import { For, Show } from 'solid-js';

export interface ChartSeries {
  name: string;
  values: number[];
}

const W = 760;
const H = 220;
const PAD = { l: 56, r: 8, t: 10, b: 26 };
const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--c5)', 'var(--c6)', 'var(--c7)', 'var(--c8)'];

/** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * A stacked bar chart in plain SVG: one bar per label (time bucket), one colour per series.
 * Each segment has a tooltip (`<title>`). Scales with its container width.
 */
export function BarChart(props: { labels: string[]; series: ChartSeries[]; format: (n: number) => string; integer?: boolean; testid?: string }) {
  const totals = () => props.labels.map((_, i) => props.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  // Whole-number metrics get whole-number ticks: the top is a multiple of 4 (at least 4).
  const max = () => {
    const m = niceMax(Math.max(0, ...totals()));
    return props.integer ? Math.max(4, Math.ceil(m / 4) * 4) : m;
  };
  const innerW = W - PAD.l - PAD.r;
  const innerH = H - PAD.t - PAD.b;
  const slot = () => innerW / Math.max(1, props.labels.length);
  const barW = () => Math.max(1, Math.min(36, slot() * 0.75));
  const y = (v: number) => PAD.t + innerH - (v / max()) * innerH;
  const ticks = () => [0, 0.25, 0.5, 0.75, 1].map((f) => f * max());
  const labelEvery = () => Math.max(1, Math.ceil(props.labels.length / 8));
  const segments = (i: number) => {
    let base = 0;
    return props.series.map((s, k) => {
      const v = s.values[i] ?? 0;
      const seg = { k, v, name: s.name, y0: base, y1: base + v };
      base += v;
      return seg;
    }).filter((s) => s.v > 0);
  };
  return (
    <div data-testid={props.testid}>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img">
        <For each={ticks()}>{(v) => (
          <>
            <line class="grid-line" x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} />
            <text x={PAD.l - 6} y={y(v) + 3} text-anchor="end">{props.format(v)}</text>
          </>
        )}</For>
        <For each={props.labels}>{(label, i) => {
          const x = () => PAD.l + i() * slot() + (slot() - barW()) / 2;
          return (
            <g>
              <For each={segments(i())}>{(s) => (
                <rect x={x()} width={barW()} y={y(s.y1)} height={Math.max(0.5, y(s.y0) - y(s.y1))} fill={COLORS[s.k % COLORS.length]} rx="1.5">
                  <title>{`${label} · ${s.name}: ${props.format(s.v)}`}</title>
                </rect>
              )}</For>
              <Show when={i() % labelEvery() === 0}>
                <text x={x() + barW() / 2} y={H - 8} text-anchor="middle">{label}</text>
              </Show>
            </g>
          );
        }}</For>
      </svg>
      <Show when={props.series.length > 1 || (props.series[0] && props.series[0].name !== '')}>
        <div class="legend">
          <For each={props.series}>{(s, k) => <span><i style={{ background: COLORS[k() % COLORS.length] }} />{s.name}</span>}</For>
        </div>
      </Show>
    </div>
  );
}
