/**
 * Fallback load generator for machines without wrk: `connections` loops of keep-alive fetch
 * for `seconds`, each reading the whole body. It runs inside the (pinned) orchestrator and is
 * far slower than wrk, so its requests/s cap out early; results carry the label
 * `bun-fetch (fallback)` and should only be compared with each other.
 */
import type { LoadCell, LoadResult } from './load.ts';

/** Runs one cell with fetch loops; latencies are per request, start to last body byte. */
export async function runBunLoad(cell: LoadCell): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const until = t0 + cell.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      try {
        const res = await fetch(cell.url, { method: 'POST', headers: cell.headers, body: cell.body });
        await res.arrayBuffer();
        if (res.status >= 400) errors++;
        latencies.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: cell.connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
  return {
    tool: 'bun-fetch (fallback)',
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    meanMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0,
    errors,
  };
}
