/**
 * Bench results: the JSON shape written to bench/results/latest.json, the derived figures
 * the targets are about, and the markdown table printed at the end of `bun run bench`.
 */
import type { LoadResult } from './load.ts';
import type { TtftResult } from './ttft.ts';

export type Target = 'direct' | 'floor' | 'gateway';
export type Lane = 'passthrough' | 'translated';
export type Mode = 'non-stream' | 'stream';

/** One load cell's result with what it measured. */
export interface CellResult extends LoadResult {
  target: Target;
  lane: Lane;
  mode: Mode;
  connections: number;
  /** req/s of each repeat (the cell keeps the median run). */
  rpsRuns?: number[];
}

export interface BenchResults {
  meta: {
    date: string; seconds: number; tool: string; pinned: boolean; cpus: number; bun: string; wrk?: string;
    logLevel: string; ttftN: number; ttftGapMs: number; repeat: number;
    /** CPU busy % (all cores) in the second before the run and after it: other load skews results. */
    busyBeforePct?: number; busyAfterPct?: number;
  };
  cells: CellResult[];
  ttft: Partial<Record<`${Lane}-${Target}`, TtftResult>>;
  /** Gateway RSS (MB) after start + one request each, peak during its load cells, 3 s after (quiet); the floor's idle RSS for scale. */
  rss: { idleMb?: number; loadPeakMb?: number; afterLoadMb?: number; floorIdleMb?: number };
  coldStart: { samplesMs: number[]; medianMs: number };
  summary?: Summary;
}

/** A figure checked against its target from the issue. */
export interface Check {
  name: string;
  value: string;
  target: string;
  pass: boolean | undefined;
}

export interface Summary {
  addedP50Ms: Partial<Record<`${Mode}-${'floor' | 'gateway'}`, number>>;
  ratioC64: Partial<Record<`${Lane}-${Mode}`, number>>;
  ttftOverheadMs: Partial<Record<`${Lane}-${'floor' | 'gateway'}`, number>>;
  checks: Check[];
}

/** Finds one cell. */
export function cell(r: BenchResults, target: Target, lane: Lane, mode: Mode, c: number): CellResult | undefined {
  return r.cells.find((x) => x.target === target && x.lane === lane && x.mode === mode && x.connections === c);
}

/** Derives added latency, gateway/floor ratios, TTFT overheads and the pass/fail checks. */
export function summarize(r: BenchResults): Summary {
  const s: Summary = { addedP50Ms: {}, ratioC64: {}, ttftOverheadMs: {}, checks: [] };
  for (const mode of ['non-stream', 'stream'] as const) {
    const direct = cell(r, 'direct', 'passthrough', mode, 1);
    for (const t of ['floor', 'gateway'] as const) {
      const x = cell(r, t, 'passthrough', mode, 1);
      if (direct && x) s.addedP50Ms[`${mode}-${t}`] = x.p50Ms - direct.p50Ms;
    }
    const gw = cell(r, 'gateway', 'passthrough', mode, 64);
    const floor = cell(r, 'floor', 'passthrough', mode, 64);
    if (gw && floor && floor.rps > 0) s.ratioC64[`passthrough-${mode}`] = gw.rps / floor.rps;
    const tr = cell(r, 'gateway', 'translated', mode, 64);
    if (tr && floor && floor.rps > 0) s.ratioC64[`translated-${mode}`] = tr.rps / floor.rps;
  }
  for (const lane of ['passthrough', 'translated'] as const) {
    const direct = r.ttft[`${lane}-direct`];
    for (const t of ['floor', 'gateway'] as const) {
      const x = r.ttft[`${lane}-${t}`];
      if (direct && x) s.ttftOverheadMs[`${lane}-${t}`] = x.medianMs - direct.medianMs;
    }
  }
  s.checks = checks(r, s);
  return s;
}

function checks(r: BenchResults, s: Summary): Check[] {
  const out: Check[] = [];
  for (const mode of ['non-stream', 'stream'] as const) {
    const ratio = s.ratioC64[`passthrough-${mode}`];
    out.push({ name: `gateway / floor req/s at c=64, ${mode}`, value: fmtRatio(ratio), target: '≥ 0.80', pass: ratio === undefined ? undefined : ratio >= 0.8 });
  }
  for (const mode of ['non-stream', 'stream'] as const) {
    const gw = s.addedP50Ms[`${mode}-gateway`];
    const fl = s.addedP50Ms[`${mode}-floor`];
    const ok = gw === undefined || fl === undefined ? undefined : gw <= 1.3 * Math.max(fl, 0.001);
    out.push({
      name: `added latency p50 at c=1 vs direct, ${mode} (gateway; floor)`,
      value: `${fmtMs(gw)}; floor ${fmtMs(fl)}${gw !== undefined && fl !== undefined && fl > 0 ? ` (${(gw / fl).toFixed(2)}×)` : ''}`,
      target: '≤ 1.3 × floor', pass: ok,
    });
  }
  const tt = s.ttftOverheadMs['passthrough-gateway'];
  // The floor's own overhead says how much of it is this machine's (the extra hop, waking cores).
  const ttf = s.ttftOverheadMs['passthrough-floor'];
  out.push({
    name: 'stream TTFT overhead vs direct (median), passthrough (gateway; floor)',
    value: `${fmtMs(tt)}; floor ${fmtMs(ttf)}`, target: '≤ 0.5 ms', pass: tt === undefined ? undefined : tt <= 0.5,
  });
  const ttr = s.ttftOverheadMs['translated-gateway'];
  out.push({ name: 'stream TTFT overhead vs direct (median), translated OpenAI→Anthropic', value: fmtMs(ttr), target: '(report)', pass: undefined });
  out.push({ name: 'gateway RSS idle (floor proxy idle)', value: `${fmtMb(r.rss.idleMb)} (${fmtMb(r.rss.floorIdleMb)})`, target: '≤ 60 MB', pass: r.rss.idleMb === undefined ? undefined : r.rss.idleMb <= 60 });
  out.push({ name: 'gateway RSS peak under load; 3 s after', value: `${fmtMb(r.rss.loadPeakMb)}; ${fmtMb(r.rss.afterLoadMb)}`, target: '(report)', pass: undefined });
  const cs = r.coldStart.medianMs;
  out.push({
    name: `cold start to first proxied 200 (median of ${r.coldStart.samplesMs.length})`,
    value: `${fmtMs(cs)} (${r.coldStart.samplesMs.map((x) => x.toFixed(0)).join(', ')})`, target: '≤ 300 ms', pass: Number.isFinite(cs) ? cs <= 300 : undefined,
  });
  return out;
}

const fmtMs = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(3)} ms`);
const fmtMb = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} MB`);
const fmtPct = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)}%`);
const fmtRatio = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const fmtRps = (c: CellResult | undefined) => (c ? `${Math.round(c.rps).toLocaleString('en-US')}${c.errors ? ` ⚠${c.errors} err` : ''}` : '–');
const fmtLat = (c: CellResult | undefined) => (c ? `${c.p50Ms.toFixed(2)} / ${c.p99Ms.toFixed(2)}` : '–');
const mark = (p: boolean | undefined) => (p === undefined ? '' : p ? 'pass' : '**MISS**');

/** The markdown printed at the end of a run (and suitable for a closing note). */
export function renderMarkdown(r: BenchResults): string {
  const s = r.summary ?? summarize(r);
  const m = r.meta;
  const lines = [
    `### Switchyard bench — ${m.date}`,
    '',
    `${m.tool}${m.wrk ? ` (${m.wrk})` : ''}, ${m.seconds} s per cell, bun ${m.bun}, ${m.cpus} CPUs, ${m.pinned ? 'gateway/floor on CPU 1, load + mock on CPU 0' : 'NOT pinned (no taskset or < 2 CPUs)'}, gateway logging.level=${m.logLevel}${m.repeat > 1 ? `, median of ${m.repeat} interleaved runs per cell` : ''}`,
    `machine busy before/after the run (other processes): ${fmtPct(m.busyBeforePct)} / ${fmtPct(m.busyAfterPct)}`,
    '',
    '| lane · mode | c | direct req/s | floor req/s | gateway req/s | gw/floor | direct p50 / p99 ms | floor p50 / p99 ms | gateway p50 / p99 ms |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const combos: Array<[Lane, Mode]> = [['passthrough', 'non-stream'], ['passthrough', 'stream'], ['translated', 'stream']];
  for (const [lane, mode] of combos) {
    for (const c of [...new Set(r.cells.map((x) => x.connections))].sort((a, b) => a - b)) {
      const d = cell(r, 'direct', lane, mode, c);
      const f = cell(r, 'floor', lane, mode, c);
      const g = cell(r, 'gateway', lane, mode, c);
      if (!d && !f && !g) continue;
      const ratio = g && f && f.rps > 0 ? (g.rps / f.rps).toFixed(2) : '–';
      lines.push(`| ${lane} · ${mode} | ${c} | ${fmtRps(d)} | ${fmtRps(f)} | ${fmtRps(g)} | ${ratio} | ${fmtLat(d)} | ${fmtLat(f)} | ${fmtLat(g)} |`);
    }
  }
  lines.push('', 'Translated = OpenAI client → gateway → Anthropic-format upstream; its "direct" is the mock\'s Anthropic stream.', '');
  lines.push('| TTFT (median of sequential requests) | direct | floor | gateway | gateway overhead |', '|---|--:|--:|--:|--:|');
  for (const lane of ['passthrough', 'translated'] as const) {
    const t = (x: Target) => r.ttft[`${lane}-${x}`];
    const err = (['direct', 'floor', 'gateway'] as const).reduce((a, x) => a + (t(x)?.errors ?? 0), 0);
    lines.push(`| ${lane} (n=${m.ttftN})${err ? ` ⚠${err} err` : ''} | ${fmtMs(t('direct')?.medianMs)} | ${fmtMs(t('floor')?.medianMs)} | ${fmtMs(t('gateway')?.medianMs)} | ${fmtMs(s.ttftOverheadMs[`${lane}-gateway`])} |`);
  }
  lines.push('', '| check | value | target | result |', '|---|---|---|---|');
  for (const c of s.checks) lines.push(`| ${c.name} | ${c.value} | ${c.target} | ${mark(c.pass)} |`);
  return lines.join('\n');
}
