/**
 * Where a request's time goes at c=1, without touching the code: `perf` records when the process
 * under test reads and writes its sockets (the syscall tracepoints `sys_exit_recvfrom` and
 * `sys_enter_sendto`), and each request's timeline falls into four phases:
 *
 *   pre         the client's request read → the upstream request written (the proxy's work)
 *   upstream    → the upstream's reply read (the mock's work and two wake-ups)
 *   post        → the reply written to the client (the proxy's work)
 *   turnaround  → the client's next request read (wrk's work and two wake-ups)
 *
 * pre + post is what the proxy's code costs a request at c=1, cache-cold as it is there; the bench's
 * "added latency" also holds the hops. The floor's upstream calls run on Bun's HTTP thread: all
 * threads are recorded, in time order. Needs `perf` and the right to trace (root).
 *
 *   bun bench/c1-phases.ts                       # passthrough non-stream and stream, floor and gateway
 *   PHASES_SECONDS=5 PHASES_LANES=stream bun bench/c1-phases.ts
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFastMock } from './fast-mock-upstream.ts';
import { MODELS, prepareGateway, startGatewayProcess } from './gateway-process.ts';
import { runLoad } from './load.ts';
import { CPU_LOAD, CPU_UNDER_TEST, median, pinSelf, startHelper } from './processes.ts';

export interface Phases {
  /** Requests whose four phases were seen in order. */
  n: number;
  /** Medians, µs. */
  pre: number;
  upstream: number;
  post: number;
  turnaround: number;
}

/** One socket event of `perf script -F tid,time,event,trace`: a read that returned bytes, or a write. */
type SocketEvent = { us: number; kind: 'read' | 'write' };

const LINE = /^\s*\d+\s+([\d.]+):\s+syscalls:(sys_exit_recvfrom|sys_enter_sendto):\s*(.*)$/;

/**
 * The phases of each request in a c=1 trace: a read, a write, a read, a write (client request,
 * upstream request, upstream reply, client reply), then the next request's read. Failed or empty
 * reads (`EAGAIN`, a closed socket) are not events; a request whose events are out of that order
 * (a keep-alive ping, a connection set up) is skipped.
 */
export function phasesOf(perfScript: string): Phases {
  const events: SocketEvent[] = [];
  for (const line of perfScript.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const us = Number(m[1]) * 1e6;
    if (m[2] === 'sys_enter_sendto') events.push({ us, kind: 'write' });
    else if (returned(m[3]!) > 0n) events.push({ us, kind: 'read' });
  }
  const pre: number[] = [];
  const upstream: number[] = [];
  const post: number[] = [];
  const turnaround: number[] = [];
  const order = ['read', 'write', 'read', 'write', 'read'] as const;
  for (let i = 0; i + 4 < events.length; i++) {
    if (!order.every((kind, k) => events[i + k]!.kind === kind)) continue;
    const t = events.slice(i, i + 5).map((e) => e.us);
    pre.push(t[1]! - t[0]!);
    upstream.push(t[2]! - t[1]!);
    post.push(t[3]! - t[2]!);
    turnaround.push(t[4]! - t[3]!);
    i += 3; // the next request starts at the read that ended this one
  }
  const m = (xs: number[]) => (xs.length > 0 ? Math.round(median(xs)) : Number.NaN);
  return { n: pre.length, pre: m(pre), upstream: m(upstream), post: m(post), turnaround: m(turnaround) };
}

/** A syscall's return value as perf prints it (`0x16e`; an error is negative: `0xfffffffffffffff5`). */
function returned(hex: string): bigint {
  const t = hex.trim();
  return /^0x[0-9a-f]{1,16}$/.test(t) ? BigInt.asIntN(64, BigInt(t)) : 0n;
}

/** Loads `url` with wrk at c=1 for `seconds` while perf records the process's socket syscalls. */
async function trace(pid: number, url: string, body: string, headers: Record<string, string>, seconds: number): Promise<Phases> {
  await runLoad({ url, body, headers, connections: 16, seconds: 3 }); // warm: the JIT, the pools
  const data = join(process.env.TMPDIR ?? '/tmp', `switchyard-phases-${pid}.data`);
  const perf = Bun.spawn(['perf', 'record', '-q', '-e', 'syscalls:sys_exit_recvfrom', '-e', 'syscalls:sys_enter_sendto',
    '-p', String(pid), '-o', data, '--', 'sleep', String(seconds + 1)], { stdout: 'ignore', stderr: 'pipe' });
  await Bun.sleep(300);
  await runLoad({ url, body, headers, connections: 1, seconds });
  if ((await perf.exited) !== 0) throw new Error(`perf record failed: ${await new Response(perf.stderr).text()}`);
  const script = Bun.spawnSync(['perf', 'script', '-i', data, '-F', 'tid,time,event,trace'], { stdout: 'pipe', stderr: 'ignore' });
  rmSync(data, { force: true });
  return phasesOf(script.stdout.toString());
}

if (import.meta.main) {
  if (Bun.spawnSync(['perf', '--version'], { stdout: 'ignore', stderr: 'ignore' }).exitCode !== 0) {
    console.error('perf not found: install it (Debian: apt-get install linux-perf) and run as root.');
    process.exit(1);
  }
  pinSelf(CPU_LOAD); // the in-process mock, with wrk: the proxies' core stays theirs
  const seconds = Number(process.env.PHASES_SECONDS ?? 3);
  const lanes = (process.env.PHASES_LANES ?? 'non-stream,stream').split(',').map((l) => l.trim());
  const mock = startFastMock();
  const mockUrl = `http://127.0.0.1:${mock.port}`;
  const setup = prepareGateway(mockUrl, process.env.BENCH_LOG_LEVEL ?? 'info');
  const floor = await startHelper(CPU_UNDER_TEST, 'floor-proxy.ts', ['--upstream', mockUrl], join(setup.dataDir, 'floor.log'));
  const gw = await startGatewayProcess(setup, 'phases');
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${setup.key}` };
  const rows = ['| lane | target | requests | pre | upstream | post | turnaround | pre + post |', '|---|---|--:|--:|--:|--:|--:|--:|'];
  try {
    for (const lane of lanes) {
      const msg = { messages: [{ role: 'user', content: 'hi' }], stream: lane === 'stream' };
      for (const [target, pid, url, model] of [
        ['floor', floor.child.pid, floor.url, 'bench-model'], ['gateway', gw.child.pid, gw.url, MODELS.passthrough],
      ] as const) {
        const p = await trace(pid, `${url}/v1/chat/completions`, JSON.stringify({ model, ...msg }), headers, seconds);
        rows.push(`| ${lane} | ${target} | ${p.n} | ${p.pre} | ${p.upstream} | ${p.post} | ${p.turnaround} | ${p.pre + p.post} |`);
      }
    }
    console.log(`c=1, ${seconds} s per cell, medians in µs\n${rows.join('\n')}`);
  } finally {
    await gw.child.stop();
    await floor.child.stop();
    mock.stop();
    rmSync(setup.dataDir, { recursive: true, force: true });
  }
}
