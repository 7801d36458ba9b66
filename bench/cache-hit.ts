/**
 * A cache hit's latency next to a miss, through a real in-process gateway with the
 * response-cache plugin and the OpenAI mock upstream (passthrough lane on a miss).
 *
 *   bun --no-install bench/cache-hit.ts [--n 200] [--upstream-ms 0] [--semantic]
 *
 * Misses ask a new prompt each time; hits repeat one prompt. `--upstream-ms` delays every mock
 * answer (a real model takes hundreds of ms; 0 shows the gateway's own cost). `--semantic`
 * adds the semantic tier with the deterministic embeddings mock, so a miss also pays one
 * embeddings call and a hit may come from either tier. Prints p50 / p95 in milliseconds for
 * non-streamed and streamed requests (stream: time to the last byte).
 */
import { startMockEmbeddings } from '../tests/helpers/mock-embeddings-upstream.ts';
import { startMockOpenAI } from '../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway } from '../tests/helpers/test-gateway.ts';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = flag('n', 200);
const UPSTREAM_MS = flag('upstream-ms', 0);
const SEMANTIC = process.argv.includes('--semantic');

const up = await startMockOpenAI({
  respond: async () => {
    if (UPSTREAM_MS > 0) await Bun.sleep(UPSTREAM_MS);
    return { content: 'The quick brown fox jumps over the lazy dog. '.repeat(8) };
  },
});
const emb = startMockEmbeddings();
const t = await startTestGateway(`
logging: { level: warn }
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-bench], allow_private_network: true }
  emb: { type: openai, base_url: "${emb.url}", keys: [sk-emb], allow_private_network: true }
plugins:
  - response-cache:
      ttl: 1h
${SEMANTIC ? '      semantic: { embed_provider: emb/mock-embed }\n' : ''}`);

async function once(content: string, stream: boolean): Promise<{ ms: number; verdict: string | null }> {
  const t0 = performance.now();
  const r = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', stream, messages: [{ role: 'user', content }] } });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  return { ms: performance.now() - t0, verdict: r.headers.get('x-switchyard-cache') };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

async function measure(stream: boolean): Promise<void> {
  const kind = stream ? 'stream' : 'json';
  const miss: number[] = [];
  const hit: number[] = [];
  for (let i = 0; i < 20; i++) await once(`warm-up ${kind} ${i}`, stream);
  await once(`repeated ${kind}`, stream);
  for (let i = 0; i < N; i++) {
    const m = await once(`unique ${kind} prompt number ${i} ${crypto.randomUUID()}`, stream);
    if (m.verdict !== 'miss') throw new Error(`expected a miss, got ${m.verdict}`);
    miss.push(m.ms);
    const h = await once(`repeated ${kind}`, stream);
    if (h.verdict !== 'hit') throw new Error(`expected a hit, got ${h.verdict}`);
    hit.push(h.ms);
  }
  const row = (name: string, xs: number[]) => `${kind.padEnd(6)} ${name.padEnd(5)} p50 ${pct(xs, 0.5).toFixed(2).padStart(7)} ms   p95 ${pct(xs, 0.95).toFixed(2).padStart(7)} ms`;
  console.log(row('miss', miss));
  console.log(row('hit', hit));
}

try {
  console.log(`cache-hit bench: n=${N}, upstream delay ${UPSTREAM_MS} ms${SEMANTIC ? ', semantic tier on' : ''}`);
  await measure(false);
  await measure(true);
  const s = await fetch(`${t.url}/api/cache/stats`, { headers: { authorization: `Bearer ${t.gw.adminToken}` } }).then((r) => r.json());
  console.log(`stats: ${s.entries} entries, ${s.bytes} bytes, hit rate ${s.hitRate}`);
} finally {
  await t.stop();
  await up.stop();
  await emb.stop();
}
