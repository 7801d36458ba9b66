/**
 * CPU time per request of the floor proxy and the gateway: (utime + stime) of the process under
 * test divided by the requests wrk completed. Unlike req/s, this barely moves when other
 * processes share the machine, so it is the number to watch while optimizing the hot path.
 *
 *   bun bench/cpu-per-request.ts            # passthrough non-stream and stream, c=16, 3 s each
 *   CPR_SECONDS=5 CPR_CONNECTIONS=64 CPR_WARMUP=5 bun bench/cpu-per-request.ts
 *   CPR_PROFILE=/tmp/prof bun bench/cpu-per-request.ts   # also write a .cpuprofile of the gateway
 *   CPR_LANES=non-stream,stream,translated CPR_FLOOR=0    # pick lanes (default all); skip the floor
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFastMock } from './fast-mock-upstream.ts';
import { MODELS, prepareGateway, startGatewayProcess } from './gateway-process.ts';
import { runLoad } from './load.ts';
import { cpuMicros, CPU_UNDER_TEST, startHelper } from './processes.ts';

const SECONDS = Number(process.env.CPR_SECONDS ?? 3);
/** Load before each measured cell: the JIT compiler's thread shares the pinned core for the first seconds. */
const WARMUP_SECONDS = Number(process.env.CPR_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.CPR_CONNECTIONS ?? 16);
const LANES = new Set((process.env.CPR_LANES ?? 'non-stream,stream,translated').split(',').map((l) => l.trim()));
const WITH_FLOOR = process.env.CPR_FLOOR !== '0';

async function measure(pid: number, url: string, body: string, headers: Record<string, string>) {
  await runLoad({ url, body, headers, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
  const before = cpuMicros(pid);
  const r = await runLoad({ url, body, headers, connections: CONNECTIONS, seconds: SECONDS });
  const used = cpuMicros(pid) - before;
  return { rps: Math.round(r.rps), usPerRequest: Math.round(used / Math.max(1, r.requests)), errors: r.errors };
}

const mock = startFastMock();
const mockUrl = `http://127.0.0.1:${mock.port}`;
const setup = prepareGateway(mockUrl, process.env.BENCH_LOG_LEVEL ?? 'info');
const floor = await startHelper(CPU_UNDER_TEST, 'floor-proxy.ts', ['--upstream', mockUrl], join(setup.dataDir, 'floor.log'));
const profileDir = process.env.CPR_PROFILE;
const gw = await startGatewayProcess(setup, 'cpr', profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);

const rows: string[] = ['| lane | target | req/s | CPU µs/request | errors |', '|---|---|--:|--:|--:|'];
for (const stream of [false, true]) {
  if (!LANES.has(stream ? 'stream' : 'non-stream')) continue;
  const lane = stream ? 'passthrough stream' : 'passthrough non-stream';
  const msg = { messages: [{ role: 'user', content: 'hi' }], stream };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${setup.key}` };
  if (WITH_FLOOR) {
    const f = await measure(floor.child.pid, `${floor.url}/v1/chat/completions`, JSON.stringify({ model: 'bench-model', ...msg }), headers);
    rows.push(`| ${lane} | floor | ${f.rps} | ${f.usPerRequest} | ${f.errors} |`);
  }
  const g = await measure(gw.child.pid, `${gw.url}/v1/chat/completions`, JSON.stringify({ model: MODELS.passthrough, ...msg }), headers);
  rows.push(`| ${lane} | gateway | ${g.rps} | ${g.usPerRequest} | ${g.errors} |`);
}
if (LANES.has('translated')) {
  const translated = await measure(gw.child.pid, `${gw.url}/v1/chat/completions`,
    JSON.stringify({ model: MODELS.translated, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    { 'content-type': 'application/json', authorization: `Bearer ${setup.key}` });
  rows.push(`| translated stream | gateway | ${translated.rps} | ${translated.usPerRequest} | ${translated.errors} |`);
}
console.log(`c=${CONNECTIONS}, ${SECONDS} s per cell\n${rows.join('\n')}`);

await gw.child.stop();
await floor.child.stop();
mock.stop();
rmSync(setup.dataDir, { recursive: true, force: true });
