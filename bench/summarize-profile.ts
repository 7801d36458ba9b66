/**
 * Summarizes a `.cpuprofile` by sample count instead of by time. Bun's own `--cpu-prof-md`
 * weights each sample by the time since the previous one, so a gateway that sat idle for 13 s
 * between load cells shows those 13 s as "self time" of whatever ran last (we saw valibot at
 * 63 % that way). Counting samples ignores idle gaps: each sample is one interval of busy JS.
 *
 * Usage: `bun bench/summarize-profile.ts FILE.cpuprofile [filter] [--top N]`
 * (filter keeps only lines containing the text, e.g. `core/` or `plugins/`).
 */
import { parseArgs } from 'node:util';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  samples: number;
  /** The longest gaps between samples (ms): idle periods that time-weighted reports misattribute. */
  longestGapsMs: number[];
  /** [label, share 0–1] sorted by share, self samples. */
  self: Array<[string, number]>;
  /** [label, share 0–1], samples where the function is anywhere on the stack. */
  total: Array<[string, number]>;
}

/** Counts self and inclusive samples per `function file:line` (line of the function, 1-based). */
export function summarizeProfile(p: CpuProfile, root = ''): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const url = f.url.replace(/^file:\/\//, '').replace(root, '');
    return `${f.functionName || '(anonymous)'} ${url || '[native]'}${url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const id of p.samples) {
    const l = label(id);
    self.set(l, (self.get(l) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const s = label(cur);
      if (seen.has(s)) continue;
      seen.add(s);
      total.set(s, (total.get(s) ?? 0) + 1);
    }
  }
  const n = p.samples.length || 1;
  const sorted = (m: Map<string, number>) => [...m].map(([l, c]): [string, number] => [l, c / n]).sort((a, b) => b[1] - a[1]);
  return {
    samples: p.samples.length,
    longestGapsMs: [...p.timeDeltas].sort((a, b) => b - a).slice(0, 5).map((d) => Math.round(d / 1000)),
    self: sorted(self),
    total: sorted(total),
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ args: Bun.argv.slice(2), allowPositionals: true, options: { top: { type: 'string' } } });
  const [file, filter] = positionals;
  if (!file) throw new Error('usage: bun bench/summarize-profile.ts FILE.cpuprofile [filter] [--top N]');
  const s = summarizeProfile(await Bun.file(file).json() as CpuProfile, process.cwd() + '/');
  const top = Number(values.top ?? 40);
  const fmt = (rows: Array<[string, number]>) => rows.filter(([l]) => !filter || l.includes(filter)).slice(0, top)
    .map(([l, share]) => `${(100 * share).toFixed(1).padStart(5)}%  ${l}`).join('\n');
  console.log(`${s.samples} samples; longest gaps between samples (ms): ${s.longestGapsMs.join(', ')}`);
  console.log(`\n--- self (share of busy samples)\n${fmt(s.self)}`);
  console.log(`\n--- inclusive (on the stack)\n${fmt(s.total)}`);
}
