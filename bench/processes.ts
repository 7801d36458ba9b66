/**
 * Process plumbing for the benchmark: CPU pinning, child processes that print `READY <port>`,
 * free ports, readiness polls and RSS readings from /proc.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';

/** The core for the process under test, and the core for load generator, mocks and clients. */
export const CPU_UNDER_TEST = '1';
export const CPU_LOAD = '0';

let tasksetChecked: boolean | undefined;

/** True when `taskset` exists and the machine has the two cores the method pins to. */
export function canPin(): boolean {
  tasksetChecked ??= Bun.which('taskset') !== null && navigator.hardwareConcurrency >= 2;
  return tasksetChecked;
}

/** Prefixes a command with `taskset -c <cpu>` when pinning is possible. */
export function pinned(cpu: string, cmd: string[]): string[] {
  return canPin() ? ['taskset', '-c', cpu, ...cmd] : cmd;
}

/** Pins every thread of this process to `cpu` (the orchestrator runs next to the load generator). */
export function pinSelf(cpu: string): boolean {
  if (!canPin()) return false;
  return Bun.spawnSync(['taskset', '-a', '-cp', cpu, String(process.pid)], { stdout: 'ignore', stderr: 'ignore' }).exitCode === 0;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** A running child with its pid for /proc readings. */
export interface Child {
  proc: Subprocess;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns a pinned child whose stdout and stderr go to `logFile` (never a pipe that could fill). */
export function spawnPinned(cpu: string, cmd: string[], logFile: string, env?: Record<string, string>): Child {
  const out = Bun.file(logFile);
  const proc = Bun.spawn(pinned(cpu, cmd), { stdout: out, stderr: out, stdin: 'ignore', env: { ...process.env, ...env } });
  return {
    proc,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
      if (!done) {
        proc.kill('SIGKILL');
        await proc.exited;
      }
    },
  };
}

/**
 * Polls `probe` every `everyMs` until it returns true; resolves to the elapsed ms. A probe
 * that throws stops the wait (it means "will never work"); return false for "not yet".
 * Throws after `timeoutMs` or when `child` exits first (with the tail of its log).
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  o: { timeoutMs?: number; everyMs?: number; child?: Child; logFile?: string; what: string },
): Promise<number> {
  const t0 = performance.now();
  const until = t0 + (o.timeoutMs ?? 15_000);
  while (performance.now() < until) {
    if (o.child && o.child.proc.exitCode !== null) throw new Error(`${o.what} exited (${o.child.proc.exitCode}).${logTail(o.logFile)}`);
    if (await probe()) return performance.now() - t0;
    await Bun.sleep(o.everyMs ?? 5);
  }
  throw new Error(`${o.what} was not ready within ${o.timeoutMs ?? 15_000} ms.${logTail(o.logFile)}`);
}

function logTail(file?: string): string {
  if (!file || !existsSync(file)) return '';
  return `\n--- ${file} ---\n${readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`;
}

/** CPU time (user + system) `pid` has used so far, in µs, from /proc (clock ticks of 10 ms). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

const TICKS_PER_SECOND = 100;

/**
 * Starts a bench script (`floor-proxy.ts`, `fast-mock-upstream.ts`) pinned to `cpu` on a free
 * port and waits until it answers a POST.
 */
export async function startHelper(cpu: string, script: string, args: string[], logFile: string): Promise<{ child: Child; url: string }> {
  const port = freePort();
  const child = spawnPinned(cpu, [process.execPath, '--no-install', join(import.meta.dir, script), '--port', String(port), ...args], logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(url, { method: 'POST', body: '{}' }).catch(() => undefined)) !== undefined, {
    what: script, child, logFile,
  });
  return { child, url };
}

/** Resident set size of `pid` in MB (VmRSS from /proc), or undefined where /proc is missing. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples RSS every `everyMs` until stopped; `stop()` returns the peak seen (MB). */
export function sampleRss(pid: number, everyMs = 100): { stop(): number | undefined } {
  let peak: number | undefined;
  const take = () => {
    const v = rssMb(pid);
    if (v !== undefined) peak = Math.max(peak ?? 0, v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** Share (0–100) of all CPUs busy over `ms`, from /proc/stat; undefined without /proc. */
export async function cpuBusyPct(ms = 500): Promise<number | undefined> {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = (f[3] ?? 0) + (f[4] ?? 0);
      return { idle, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = read();
  await Bun.sleep(ms);
  const b = read();
  if (!a || !b || b.total === a.total) return undefined;
  return 100 * (1 - (b.idle - a.idle) / (b.total - a.total));
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
