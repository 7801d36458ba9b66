/**
 * The load generator driver: one "cell" (URL, body, concurrency, seconds) → requests/s and
 * latency percentiles. Uses Debian's `wrk` (pinned to the load core, one thread, a Lua POST
 * script whose `done()` prints the numbers as JSON). Without wrk it falls back to a small
 * Bun-based generator and says so in `tool`, because its numbers are not comparable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBunLoad } from './bun-load.ts';
import { CPU_LOAD, pinned } from './processes.ts';

/** One measurement. */
export interface LoadCell {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

/** What a cell measured. Latencies in milliseconds. */
export interface LoadResult {
  tool: 'wrk' | 'bun-fetch (fallback)';
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Non-2xx answers plus socket errors (connect/read/write/timeout). Should be 0. */
  errors: number;
}

/** The install hint printed when wrk is missing. */
export const WRK_HINT = 'wrk not found: install it with `apt-get install -y wrk` (Debian/Ubuntu) for comparable numbers.';

/** True when `wrk` is on PATH. */
export function hasWrk(): boolean {
  return Bun.which('wrk') !== null;
}

/** Runs one cell with wrk when present, otherwise with the Bun fallback. */
export async function runLoad(cell: LoadCell): Promise<LoadResult> {
  return hasWrk() ? runWrk(cell) : runBunLoad(cell);
}

/** Lua for wrk: a fixed POST, and a `done()` that prints one `BENCH_JSON {...}` line. */
export function wrkScript(body: string, headers: Record<string, string>): string {
  if (body.includes(']==]')) throw new Error('body must not contain "]==]"');
  const lines = ['wrk.method = "POST"', `wrk.body = [==[${body}]==]`];
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'\\nBENCH_JSON {"requests":%.0f,"duration_us":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"mean_us":%.1f}\\n\',',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))',
    'end',
  );
  return lines.join('\n') + '\n';
}

function luaString(s: string): string {
  return JSON.stringify(s); // a JSON string of printable ASCII is a valid Lua string literal
}

interface WrkJson {
  requests: number; duration_us: number; connect: number; read: number; write: number; status: number; timeout: number;
  p50_us: number; p90_us: number; p99_us: number; mean_us: number;
}

/** Reads the `BENCH_JSON` line of wrk's output. Throws with wrk's output when it is missing. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no result:\n${stdout.slice(-800)}`);
  const j = JSON.parse(line.slice('BENCH_JSON '.length)) as WrkJson;
  const seconds = j.duration_us / 1e6;
  return {
    tool: 'wrk',
    requests: j.requests,
    rps: seconds > 0 ? j.requests / seconds : 0,
    p50Ms: j.p50_us / 1000,
    p90Ms: j.p90_us / 1000,
    p99Ms: j.p99_us / 1000,
    meanMs: j.mean_us / 1000,
    errors: j.status + j.connect + j.read + j.write + j.timeout,
  };
}

/** wrk takes whole seconds only. */
function wrkSeconds(s: number): number {
  return Math.max(1, Math.round(s));
}

async function runWrk(cell: LoadCell): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(cell.body, cell.headers));
  try {
    const cmd = pinned(CPU_LOAD, [
      'wrk', '-t1', `-c${cell.connections}`, `-d${wrkSeconds(cell.seconds)}s`, '--timeout', '10s', '-s', script, cell.url,
    ]);
    const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    if (proc.exitCode !== 0) throw new Error(`wrk exited ${proc.exitCode}: ${err || out}`);
    return parseWrkOutput(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
