/**
 * Hostile upstream streams through every client × upstream pair. Each seed takes the recorded
 * streams of the four formats (../shared/fixtures) and mutates them: events dropped, repeated or
 * reversed, fields removed or given another type (null, numbers, huge strings, arrays), keys such
 * as `__proto__`, data cut in half or replaced by non-JSON, event names lost. The gateway may
 * answer 200 (with an error event when the stream broke after its content) or an error in the
 * client's dialect, but never a 500, never a hang, never a body the client cannot read, and it
 * keeps serving. The same for whole replies: the recorded JSON bodies mutated the same way.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const FIX = `${import.meta.dir}/../../../shared/fixtures`;
/** Seeds per run (`HOSTILE_STREAM_SEEDS` for a longer hunt: 1,500 pass). */
const SEEDS = Number(process.env.HOSTILE_STREAM_SEEDS ?? 150);
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

type Frame = { event?: string; data: string };
function frames(text: string): Frame[] {
  return text.split(/\r?\n\r?\n/).filter((f) => f.trim()).map((f) => {
    const lines = f.split(/\r?\n/);
    return { event: lines.find((l) => l.startsWith('event:'))?.slice(6).trim(), data: lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n') };
  });
}
const SOURCES: Record<string, Frame[][]> = {
  openai: ['chat-stream-include-usage.sse', 'chat-stream-tool-calls.sse', 'chat-stream-openapi-example.sse'].map((f) => frames(readFileSync(`${FIX}/openai/${f}`, 'utf8'))),
  responses: [frames(readFileSync(`${FIX}/openai/responses-stream.sse`, 'utf8'))],
  anthropic: ['stream-text.sse', 'stream-tool-use.sse', 'stream-thinking-docs.sse', 'stream-error-event.sse'].map((f) => frames(readFileSync(`${FIX}/anthropic/${f}`, 'utf8'))),
  gemini: ['streamGenerateContent-functionCall.response.sse', 'streamGenerateContent-systemInstruction.response.sse'].map((f) => frames(readFileSync(`${FIX}/gemini/${f}`, 'utf8'))),
};

const WHOLE: Record<string, unknown[]> = {
  openai: ['chat-completion.json', 'chat-completion-tool-calls.json'].map((f) => JSON.parse(readFileSync(`${FIX}/openai/${f}`, 'utf8'))),
  responses: ['responses-text.json', 'responses-function-call.json'].map((f) => JSON.parse(readFileSync(`${FIX}/openai/${f}`, 'utf8'))),
  anthropic: [JSON.parse(readFileSync(`${FIX}/anthropic/message.json`, 'utf8'))],
  gemini: ['generateContent-functionCall', 'generateContent-thought', 'generateContent-responseJsonSchema'].map((f) => JSON.parse(readFileSync(`${FIX}/gemini/${f}.response.json`, 'utf8'))),
};

const WEIRD: unknown[] = [null, 0, -1, 1e308, 'x', '', [], {}, [null], { a: 1 }, true, 'a'.repeat(20000), '\u0000', NaN];
function mutateJson(v: unknown, rnd: () => number, depth = 0): unknown {
  if (rnd() < 0.04) return WEIRD[Math.floor(rnd() * WEIRD.length)];
  if (Array.isArray(v)) {
    const out = v.map((x) => mutateJson(x, rnd, depth + 1));
    if (rnd() < 0.05) out.reverse();
    if (rnd() < 0.03) out.push(out[0]);
    return out;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (rnd() < 0.04) continue;
      out[k] = mutateJson(x, rnd, depth + 1);
    }
    if (rnd() < 0.02) out[['__proto__', 'constructor', 'index', 'type', 'id'][Math.floor(rnd() * 5)]!] = WEIRD[Math.floor(rnd() * WEIRD.length)];
    return out;
  }
  return v;
}
function hostileStream(format: string, rnd: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let fs = [...pick(SOURCES[format]!)];
  const out: string[] = [];
  if (rnd() < 0.2) fs = fs.filter(() => rnd() > 0.2);
  if (fs.length > 0 && rnd() < 0.1) fs.splice(Math.floor(rnd() * fs.length), 0, fs[Math.floor(rnd() * fs.length)]!);
  if (rnd() < 0.05) fs.reverse();
  for (const f of fs) {
    let data = f.data;
    if (data !== '[DONE]' && rnd() < 0.5) {
      try { data = JSON.stringify(mutateJson(JSON.parse(data), rnd)); } catch { /* not JSON */ }
    }
    if (rnd() < 0.02) data = data.slice(0, Math.floor(data.length / 2));
    if (rnd() < 0.02) data = pick(['{', 'null', '[]', '"s"', '{"type":"unknown_event"}', '']);
    out.push(`${f.event && rnd() > 0.03 ? `event: ${f.event}\n` : ''}data: ${data}\n\n`);
  }
  return out.join('');
}

let body = '';
let contentType = 'text/event-stream';
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;
beforeAll(async () => {
  upstream = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response(body, { headers: { 'content-type': contentType } }) });
  const o = `http://127.0.0.1:${upstream.port}`;
  t = await startTestGateway(`providers:
  openai: { type: openai, base_url: "${o}/v1", keys: [sk-oai-000000001], allow_private_network: true }
  responses: { type: openai-responses, base_url: "${o}/v1", keys: [sk-rsp-000000001], allow_private_network: true }
  anthropic: { type: anthropic, base_url: "${o}", keys: [sk-ant-000000001], allow_private_network: true }
  gemini: { type: gemini, base_url: "${o}", keys: [AIza-000000001], allow_private_network: true }
`);
});
afterAll(async () => { await t?.stop(); upstream?.stop(true); });

const CLIENTS: Array<[string, (model: string, stream: boolean) => [string, unknown]]> = [
  ['chat', (m, stream) => ['/v1/chat/completions', { model: m, stream, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] }]],
  ['messages', (m, stream) => ['/v1/messages', { model: m, stream, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }]],
  ['responses', (m, stream) => ['/v1/responses', { model: m, stream, input: 'hi' }]],
  ['gemini', (m, stream) => [`/v1beta/models/${m}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }]],
];

/** The same cells and checks; `stream` false asks for whole replies, which the upstream sends mutated. */
async function runCells(stream: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const rnd = seeded(seed);
    for (const format of Object.keys(SOURCES)) {
      if (stream) {
        contentType = 'text/event-stream';
        body = hostileStream(format, rnd);
      } else {
        contentType = 'application/json';
        const whole = WHOLE[format]!;
        body = JSON.stringify(mutateJson(whole[Math.floor(rnd() * whole.length)], rnd));
        if (rnd() < 0.03) body = body.slice(0, Math.floor(body.length / 2));
      }
      for (const [client, make] of CLIENTS) {
        const [path, json] = make(`${format}/m`, stream);
        const cell = `seed ${seed}, ${format} upstream, ${client} client, ${stream ? 'streamed' : 'whole'}`;
        problems.push(...(await checkCell(cell, path, json)));
      }
    }
  }
  return problems;
}

async function checkCell(cell: string, path: string, json: unknown): Promise<string[]> {
  const t0 = performance.now();
  const res = await t.fetch(path, { method: 'POST', json, headers: { 'anthropic-version': '2023-06-01' } }).catch((e: Error) => e);
  if (res instanceof Error) return [`${cell}: ${res.message}`];
  const text = await res.text().catch((e: Error) => `unreadable: ${e.message}`);
  const ms = performance.now() - t0;
  const dialectError = res.status !== 200 && (() => {
    try {
      return (JSON.parse(text) as { error?: unknown }).error !== undefined;
    } catch {
      return false;
    }
  })();
  if (res.status >= 500 && ![502, 503, 504, 529].includes(res.status)) return [`${cell}: ${res.status} ${text.slice(0, 160)}`];
  if (res.status !== 200 && !dialectError) return [`${cell}: ${res.status} without an error body: ${text.slice(0, 160)}`];
  if (text.includes('GW_INTERNAL') || text.startsWith('unreadable') || ms > 3000) return [`${cell}: ${res.status} in ${Math.round(ms)} ms: ${text.slice(0, 160)}`];
  return [];
}

test('every hostile stream ends in a reply or an error in the client\'s dialect; never a 500 or a hang', async () => {
  expect((await runCells(true)).slice(0, 10)).toEqual([]);
  expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
}, 120_000);

test('every hostile whole reply too', async () => {
  expect((await runCells(false)).slice(0, 10)).toEqual([]);
  expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
}, 120_000);
