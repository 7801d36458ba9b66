/**
 * CPU per streamed request when the stream is long, as real completions are: the upstream sends
 * a role chunk, LS_FRAMES content chunks (one socket write each, a turn of its event loop
 * between them), the finish and usage chunks and `[DONE]`. The main bench streams one chunk, so
 * it measures a request's fixed costs; this measures what each chunk costs, floor vs gateway
 * (passthrough lane, usage read on the side, the include_usage frame filtered).
 *
 *   bun bench/long-stream.ts                    # 200 chunks, c=8, 3 rounds of 3 s
 *   LS_FRAMES=1000 LS_CONNECTIONS=16 bun bench/long-stream.ts
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareGateway, startGatewayProcess } from './gateway-process.ts';
import { runLoad } from './load.ts';
import { cpuMicros, CPU_UNDER_TEST, pinSelf, startHelper } from './processes.ts';

const FRAMES = Number(process.env.LS_FRAMES ?? 200);
const CONNECTIONS = Number(process.env.LS_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.LS_SECONDS ?? 3);
const ROUNDS = Number(process.env.LS_ROUNDS ?? 3);

pinSelf('0');
const enc = new TextEncoder();
const chunk = (delta: string, finish = 'null') =>
  `data: {"id":"chatcmpl-long","object":"chat.completion.chunk","created":1741569952,"model":"bench-model","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
const FIRST = enc.encode(chunk('{"role":"assistant","content":"Hello"}'));
const TOKEN = enc.encode(chunk('{"content":" token"}'));
const LAST = enc.encode(chunk('{}', '"stop"')
  + `data: {"id":"chatcmpl-long","object":"chat.completion.chunk","created":1741569952,"model":"bench-model","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${FRAMES + 1},"total_tokens":${FRAMES + 6}}}\n\n`
  + 'data: [DONE]\n\n');
const JSON_REPLY = { id: 'chatcmpl-long', object: 'chat.completion', created: 1741569952, model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } };

interface DirectController { write(b: Uint8Array): void; flush(): void; close(): void }
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** The upstream, in this process (CPU 0): JSON for non-streamed calls (the gateway's start probe), the long stream otherwise. */
const mock = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    if (!(await req.text()).includes('"stream":true')) return Response.json(JSON_REPLY);
    const body = new ReadableStream({
      type: 'direct',
      async pull(c: DirectController) {
        c.write(FIRST);
        c.flush();
        for (let i = 0; i < FRAMES; i++) {
          await nextTurn();
          c.write(TOKEN);
          c.flush();
        }
        c.write(LAST);
        c.close();
      },
    } as unknown as UnderlyingDefaultSource);
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  },
});

const mockUrl = `http://127.0.0.1:${mock.port}`;
const setup = prepareGateway(mockUrl, process.env.BENCH_LOG_LEVEL ?? 'info');
const floor = await startHelper(CPU_UNDER_TEST, 'floor-proxy.ts', ['--upstream', mockUrl], join(setup.dataDir, 'floor.log'));
const gw = await startGatewayProcess(setup, 'long-stream');

const request = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
const targets: Array<{ label: string; pid: number; url: string; body: string; headers: Record<string, string> }> = [
  { label: 'floor', pid: floor.child.pid, url: `${floor.url}/v1/chat/completions`, body: request('bench-model'), headers: { 'content-type': 'application/json' } },
  { label: 'gateway', pid: gw.child.pid, url: `${gw.url}/v1/chat/completions`, body: request('up/bench-model'), headers: { 'content-type': 'application/json', authorization: `Bearer ${setup.key}` } },
];
for (const t of targets) {
  const text = await (await fetch(t.url, { method: 'POST', headers: t.headers, body: t.body })).text();
  const tokens = text.split('" token"').length - 1;
  if (tokens !== FRAMES || !text.includes('data: [DONE]')) throw new Error(`${t.label}: ${tokens} of ${FRAMES} chunks, or no [DONE]`);
  await runLoad({ url: t.url, body: t.body, headers: t.headers, connections: CONNECTIONS, seconds: SECONDS });
}
const perRequest: Record<string, number[]> = { floor: [], gateway: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const t of targets) {
    const before = cpuMicros(t.pid);
    const out = await runLoad({ url: t.url, body: t.body, headers: t.headers, connections: CONNECTIONS, seconds: SECONDS });
    perRequest[t.label]!.push((cpuMicros(t.pid) - before) / Math.max(1, out.requests));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const f = median(perRequest.floor!);
const g = median(perRequest.gateway!);
console.log(`${FRAMES + 2}-chunk stream, c=${CONNECTIONS}, median of ${ROUNDS} × ${SECONDS} s`);
console.log('| target | CPU µs/request | µs/chunk |\n|---|--:|--:|');
console.log(`| floor | ${f.toFixed(0)} | ${(f / (FRAMES + 2)).toFixed(2)} |`);
console.log(`| gateway | ${g.toFixed(0)} | ${(g / (FRAMES + 2)).toFixed(2)} |`);
console.log(`floor/gateway CPU: ${(f / g).toFixed(2)}`);

await gw.child.stop();
await floor.child.stop();
mock.stop(true);
rmSync(setup.dataDir, { recursive: true, force: true });
