/**
 * `bun run bench`: starts the fast mock (CPU 0), the floor proxy and the gateway (CPU 1),
 * checks each answers correctly, then measures requests/s and latency with wrk at several
 * concurrencies (non-stream, stream, translated stream), TTFT with a sequential client, RSS and
 * cold start. Prints a markdown table and writes bench/results/latest.json.
 *
 * Environment (defaults in brackets): BENCH_SECONDS [5] per cell, BENCH_CONNECTIONS [1,16,64],
 * BENCH_WARMUP_SECONDS [5], BENCH_REPEAT [1] interleaved runs per cell, BENCH_TTFT_N [100],
 * BENCH_TTFT_GAP_MS [10], BENCH_COLD_STARTS [3], BENCH_LOG_LEVEL [info, the gateway default],
 * BENCH_LANES / BENCH_TARGETS [all] to narrow the run, BENCH_PROFILE=1 (the load-run gateway
 * writes a CPU profile to bench/results/profile/), BENCH_KEEP=1 (keep the gateway data dir),
 * BENCH_WAIT_IDLE [30] seconds to wait for other load on the machine to stop.
 * See bench/README.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareGateway, startGatewayProcess, type GatewayRun } from './gateway-process.ts';
import { hasWrk, runLoad, WRK_HINT, type LoadResult } from './load.ts';
import {
  canPin, cpuBusyPct, CPU_LOAD, CPU_UNDER_TEST, median, pinSelf, rssMb, sampleRss, startHelper, type Child,
} from './processes.ts';
import { renderMarkdown, summarize, type BenchResults, type Lane, type Mode, type Target } from './report.ts';
import { checkRequest, requestFor, type Endpoints } from './scenarios.ts';
import { measureTtft } from './ttft.ts';

const env = (name: string, dflt: string) => process.env[name]?.trim() || dflt;
const SECONDS = Number(env('BENCH_SECONDS', '5'));
const WARMUP = Number(env('BENCH_WARMUP_SECONDS', '5'));
const CONNECTIONS = env('BENCH_CONNECTIONS', '1,16,64').split(',').map(Number).filter((n) => n > 0);
const TTFT_N = Number(env('BENCH_TTFT_N', '100'));
const GAP_MS = Number(env('BENCH_TTFT_GAP_MS', '10'));
const COLD_STARTS = Math.max(1, Number(env('BENCH_COLD_STARTS', '3')));
const LOG_LEVEL = env('BENCH_LOG_LEVEL', 'info');
const REPEAT = Math.max(1, Number(env('BENCH_REPEAT', '1')));
const WAIT_IDLE_S = Number(env('BENCH_WAIT_IDLE', '30'));
/** BENCH_TARGETS narrows the load cells and TTFT probes, e.g. "gateway" while profiling. */
const TARGETS = (['direct', 'floor', 'gateway'] as Target[]).filter((t) => !process.env.BENCH_TARGETS || process.env.BENCH_TARGETS.split(',').includes(t));
const RESULTS_DIR = join(import.meta.dir, 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'profile');
const PROFILE = env('BENCH_PROFILE', '') !== '' && env('BENCH_PROFILE', '') !== '0';
const ALL_LANES: Array<[Lane, Mode]> = [['passthrough', 'non-stream'], ['passthrough', 'stream'], ['translated', 'stream']];
/** BENCH_LANES narrows the load cells, e.g. "passthrough-stream,translated-stream". */
const LANES = ALL_LANES.filter(([l, m]) => !process.env.BENCH_LANES || process.env.BENCH_LANES.split(',').includes(`${l}-${m}`));

const say = (msg: string) => console.error(`[bench] ${msg}`);

/** Spawns the gateway COLD_STARTS times; keeps the last one running for the load runs. */
async function coldStarts(mockUrl: string): Promise<{ gw: GatewayRun; samples: number[]; key: string; dataDir: string }> {
  const setup = prepareGateway(mockUrl, LOG_LEVEL);
  const samples: number[] = [];
  let gw: GatewayRun | undefined;
  for (let i = 0; i < COLD_STARTS; i++) {
    if (gw) await gw.child.stop();
    gw = await startGatewayProcess(setup, `cold-${i + 1}`);
    samples.push(gw.coldStartMs);
    say(`cold start ${i + 1}/${COLD_STARTS}: ${gw.coldStartMs.toFixed(0)} ms`);
  }
  if (PROFILE) {
    // The profiler slows start-up: the cold-start samples above come from unprofiled runs.
    await gw!.child.stop();
    mkdirSync(PROFILE_DIR, { recursive: true });
    gw = await startGatewayProcess(setup, 'profiled', ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${PROFILE_DIR}`]);
    say(`profiling the gateway into ${PROFILE_DIR}`);
  }
  return { gw: gw!, samples, key: setup.key, dataDir: setup.dataDir };
}

/**
 * Runs every load cell. Per lane/mode each target gets a warm-up (5 s: before that the JIT is
 * still compiling the gateway's request path, ~20 µs of CPU per request on its worker thread,
 * which shares the pinned core); then per concurrency the targets run interleaved (direct, floor, gateway, direct, …) BENCH_REPEAT times and the
 * run with the median req/s is kept, so background noise hits all targets alike.
 */
async function loadCells(ep: Endpoints, gatewayPid: number, results: BenchResults): Promise<void> {
  const rss = sampleRss(gatewayPid);
  for (const [lane, mode] of LANES) {
    const targets = TARGETS.flatMap((t) => {
      const r = requestFor(ep, t, lane, mode);
      return r ? [{ t, r }] : [];
    });
    if (WARMUP > 0) for (const { r } of targets) await runLoad({ ...r, connections: 16, seconds: WARMUP });
    for (const c of CONNECTIONS) {
      const runs = new Map<Target, LoadResult[]>(targets.map(({ t }) => [t, []]));
      for (let i = 0; i < REPEAT; i++) {
        for (const { t, r } of targets) runs.get(t)!.push(await runLoad({ ...r, connections: c, seconds: SECONDS }));
      }
      for (const { t } of targets) {
        const all = runs.get(t)!;
        const res = [...all].sort((a, b) => a.rps - b.rps)[all.length >> 1]!;
        results.cells.push({ ...res, target: t, lane, mode, connections: c, rpsRuns: all.map((x) => Math.round(x.rps)) });
        say(`${lane} ${mode} ${t} c=${c}: ${Math.round(res.rps)} req/s${all.length > 1 ? ` (runs ${all.map((x) => Math.round(x.rps)).join(', ')})` : ''}, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms${res.errors ? `, ${res.errors} ERRORS` : ''}`);
      }
    }
  }
  results.rss.loadPeakMb = rss.stop();
}

async function ttftAll(ep: Endpoints, results: BenchResults): Promise<void> {
  if (TTFT_N <= 0) return;
  for (const lane of ['passthrough', 'translated'] as Lane[]) {
    for (const target of TARGETS) {
      const r = requestFor(ep, target, lane, 'stream', true);
      if (!r) continue;
      const t = await measureTtft(r.url, r.body, r.headers, TTFT_N);
      results.ttft[`${lane}-${target}`] = t;
      say(`TTFT ${lane} ${target}: median ${t.medianMs.toFixed(3)} ms, p90 ${t.p90Ms.toFixed(3)} ms${t.errors ? `, ${t.errors} ERRORS` : ''}`);
    }
  }
}

/** Waits up to BENCH_WAIT_IDLE seconds for the machine to be under 15 % busy; returns the last reading. */
async function waitForQuiet(): Promise<number | undefined> {
  const until = performance.now() + WAIT_IDLE_S * 1000;
  let busy = await cpuBusyPct(1000);
  if (busy !== undefined && busy > 15 && WAIT_IDLE_S > 0) say(`the machine is ${busy.toFixed(0)}% busy; waiting up to ${WAIT_IDLE_S} s for it to calm down`);
  while (busy !== undefined && busy > 15 && performance.now() < until) busy = await cpuBusyPct(1000);
  if (busy !== undefined && busy > 15) say(`the machine is ${busy.toFixed(0)}% busy: other processes will skew the numbers.`);
  return busy;
}

function wrkVersion(): string | undefined {
  if (!hasWrk()) return undefined;
  const r = Bun.spawnSync(['wrk', '-v'], { stdout: 'pipe', stderr: 'pipe' });
  return (r.stdout.toString() + r.stderr.toString()).split('\n')[0]?.split(' [')[0]?.trim();
}

async function main(): Promise<number> {
  if (!hasWrk()) say(`${WRK_HINT} Falling back to a Bun fetch generator (labelled in the table).`);
  if (!canPin()) say('taskset or a second CPU is missing: running unpinned; numbers are less stable.');
  pinSelf(CPU_LOAD);
  const busyBefore = await waitForQuiet();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(), seconds: SECONDS, tool: hasWrk() ? 'wrk -t1' : 'bun-fetch (fallback)', pinned: canPin(),
      cpus: navigator.hardwareConcurrency, bun: Bun.version, wrk: wrkVersion(), logLevel: LOG_LEVEL, ttftN: TTFT_N, ttftGapMs: GAP_MS,
      repeat: REPEAT, busyBeforePct: busyBefore,
    },
    cells: [], ttft: {}, rss: {}, coldStart: { samplesMs: [], medianMs: Number.NaN },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const children: Child[] = [];
  let dataDir: string | undefined;
  const cleanup = async () => {
    await Promise.all(children.map((c) => c.stop()));
    if (dataDir && !process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const mock = await startHelper(CPU_LOAD, 'fast-mock-upstream.ts', ['--gap', String(GAP_MS)], join(RESULTS_DIR, 'mock.log'));
    children.push(mock.child);
    const floor = await startHelper(CPU_UNDER_TEST, 'floor-proxy.ts', ['--upstream', mock.url], join(RESULTS_DIR, 'floor.log'));
    children.push(floor.child);
    say(`mock ${mock.url} (CPU ${CPU_LOAD}), floor ${floor.url} (CPU ${CPU_UNDER_TEST})`);

    const cold = await coldStarts(mock.url);
    dataDir = cold.dataDir;
    children.push(cold.gw.child);
    results.coldStart = { samplesMs: cold.samples, medianMs: median(cold.samples) };
    const ep: Endpoints = { mock: mock.url, floor: floor.url, gateway: cold.gw.url, key: cold.key };

    for (const [lane, mode] of ALL_LANES) {
      for (const t of ['direct', 'floor', 'gateway'] as Target[]) {
        const r = requestFor(ep, t, lane, mode);
        if (r) await checkRequest(`${t} ${lane} ${mode}`, r, mode === 'stream');
      }
    }
    await Bun.sleep(1000);
    results.rss.idleMb = rssMb(cold.gw.child.pid);
    results.rss.floorIdleMb = rssMb(floor.child.pid);
    say(`RSS idle: gateway ${results.rss.idleMb?.toFixed(1)} MB, floor ${results.rss.floorIdleMb?.toFixed(1)} MB`);

    await loadCells(ep, cold.gw.child.pid, results);
    await Bun.sleep(3000); // past the idle collector (a quiet second, then one collection)
    results.rss.afterLoadMb = rssMb(cold.gw.child.pid);
    await ttftAll(ep, results);
  } finally {
    await cleanup();
  }
  results.meta.busyAfterPct = await cpuBusyPct(1000);
  results.summary = summarize(results);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(renderMarkdown(results));
  say(`results written to ${join(RESULTS_DIR, 'latest.json')}`);
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  say(`failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
