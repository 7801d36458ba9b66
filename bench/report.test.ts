import { expect, test } from 'bun:test';
import { renderMarkdown, summarize, type BenchResults, type CellResult } from './report.ts';

function c(target: CellResult['target'], lane: CellResult['lane'], mode: CellResult['mode'], connections: number, rps: number, p50Ms: number): CellResult {
  return { tool: 'wrk', requests: rps * 5, rps, p50Ms, p90Ms: p50Ms * 2, p99Ms: p50Ms * 4, meanMs: p50Ms, errors: 0, target, lane, mode, connections };
}

function results(gatewayRps64: number, gatewayP50: number): BenchResults {
  return {
    meta: { date: 'd', seconds: 5, tool: 'wrk -t1', pinned: true, cpus: 2, bun: '1.4.5', logLevel: 'info', ttftN: 10, ttftGapMs: 10, repeat: 1 },
    cells: [
      c('direct', 'passthrough', 'non-stream', 1, 30000, 0.03), c('floor', 'passthrough', 'non-stream', 1, 4000, 0.23), c('gateway', 'passthrough', 'non-stream', 1, 3000, gatewayP50),
      c('direct', 'passthrough', 'non-stream', 64, 40000, 1), c('floor', 'passthrough', 'non-stream', 64, 20000, 3), c('gateway', 'passthrough', 'non-stream', 64, gatewayRps64, 4),
      c('direct', 'translated', 'stream', 64, 30000, 2), c('gateway', 'translated', 'stream', 64, 5000, 9),
    ],
    ttft: {
      'passthrough-direct': { n: 10, medianMs: 0.4, p90Ms: 0.5, errors: 0 },
      'passthrough-floor': { n: 10, medianMs: 0.6, p90Ms: 0.8, errors: 0 },
      'passthrough-gateway': { n: 10, medianMs: 0.7, p90Ms: 0.9, errors: 0 },
      'translated-direct': { n: 10, medianMs: 0.3, p90Ms: 0.5, errors: 0 },
      'translated-gateway': { n: 10, medianMs: 1.3, p90Ms: 1.5, errors: 0 },
    },
    rss: { idleMb: 50, loadPeakMb: 90, afterLoadMb: 80, floorIdleMb: 30 },
    coldStart: { samplesMs: [200, 220, 250], medianMs: 220 },
  };
}

test('summary derives ratios, added latency and TTFT overhead', () => {
  const s = summarize(results(17000, 0.25));
  expect(s.ratioC64['passthrough-non-stream']).toBeCloseTo(0.85);
  expect(s.ratioC64['translated-stream']).toBeUndefined(); // no floor stream cell at c=64 here
  expect(s.addedP50Ms['non-stream-gateway']).toBeCloseTo(0.22);
  expect(s.addedP50Ms['non-stream-floor']).toBeCloseTo(0.2);
  expect(s.ttftOverheadMs['passthrough-gateway']).toBeCloseTo(0.3);
  expect(s.ttftOverheadMs['translated-gateway']).toBeCloseTo(1.0);
  const pass = Object.fromEntries(s.checks.map((x) => [x.name, x.pass]));
  expect(pass['gateway / floor req/s at c=64, non-stream']).toBe(true);
  expect(pass['gateway / floor req/s at c=64, stream']).toBeUndefined();
  expect(pass['added latency p50 at c=1 vs direct, non-stream (gateway; floor)']).toBe(true);
  expect(pass['stream TTFT overhead vs direct (median), passthrough (gateway; floor)']).toBe(true);
  expect(s.checks.find((x) => x.name.startsWith('stream TTFT overhead vs direct (median), passthrough'))!.value).toBe('0.300 ms; floor 0.200 ms');
  expect(pass['gateway RSS idle (floor proxy idle)']).toBe(true);
});

test('misses are flagged and the table lists every measured row', () => {
  const r = results(8000, 0.6);
  const md = renderMarkdown(r);
  expect(md).toContain('| passthrough · non-stream | 64 | 40,000 | 20,000 | 8,000 | 0.40 |');
  expect(md).toContain('| translated · stream | 64 | 30,000 | – | 5,000 | – |');
  expect(md).toMatch(/gateway \/ floor req\/s at c=64, non-stream \| 0\.40 \| ≥ 0\.80 \| \*\*MISS\*\*/);
  expect(md).toMatch(/added latency p50 at c=1 vs direct, non-stream .*\*\*MISS\*\*/);
  expect(md).not.toContain('passthrough · stream |');
});
