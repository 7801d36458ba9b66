/**
 * Real client bodies (an OpenAI SDK chat with tools and an image, Claude Code's turn, Codex's
 * turn, Gemini CLI's turn), mutated at random places (a value swapped for a wrong type, a key
 * removed or added, an array item dropped, an object turned into an array and back), sent
 * through one gateway to each of the four upstream formats and the mock provider, streamed
 * and not. Whatever the body, the answer is never a 5xx and every error is JSON in the client's
 * own dialect. Seeded: a failure prints the body, and `FUZZ_SEED` / `FUZZ_REQUESTS` replay or
 * widen it (45,000 requests over three seeds were clean when this was written).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { claudeCodeRequest } from '../conformance/kit/claude-code-traffic.ts';
import { codexRequest } from '../conformance/kit/codex-traffic.ts';
import { geminiCliChatRequest } from '../conformance/kit/gemini-cli-traffic.ts';
import { startUpstreams } from '../conformance/kit/start-upstreams.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Dialect = 'openai' | 'anthropic' | 'gemini';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 800);

/** mulberry32: a small seeded generator. */
function rng(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Wrong types, edge numbers, role and part names out of place, broken text. */
const VALUES: Json[] = [
  null, 0, -1, 1.5, 1e308, -1e308, 99999999999, '', 'x', 'user', 'assistant', 'system', 'text', 'function', 'tool',
  'image_url', 'data:image/png;base64,AAAA', 'http://127.0.0.1/x.png', '\ud800', 'x'.repeat(5000), true, false,
  [], [null], [{}], [1, 2], {}, { a: 1 }, { type: 'text' }, { type: 'object' }, { type: 'function', function: {} },
];

type Path = Array<string | number>;

function pathsOf(v: Json, at: Path = [], out: Path[] = []): Path[] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(v)) v.forEach((c, i) => pathsOf(c, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) pathsOf(v[k]!, [...at, k], out);
  return out;
}

/** One random change at one random place of a copy of `body`. */
function mutate(body: Json, r: (n: number) => number): Json {
  const copy = structuredClone(body);
  const paths = pathsOf(copy);
  if (paths.length === 0) return VALUES[r(VALUES.length)]!;
  const path = paths[r(paths.length)]!;
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const value = parent[key];
  const op = r(10);
  if (op < 2 && !Array.isArray(parent)) delete parent[key];
  else if (op < 3 && Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (op < 4 && !Array.isArray(parent)) parent[`extra_${r(5)}`] = structuredClone(VALUES[r(VALUES.length)]!);
  else if (op < 5 && value && typeof value === 'object') parent[key] = Array.isArray(value) ? { ...value } : Object.values(value);
  else parent[key] = structuredClone(VALUES[r(VALUES.length)]!);
  return copy;
}

function openaiChat(model: string, stream: boolean): Json {
  return {
    model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'user', content: 'Thanks.' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    tool_choice: 'auto', max_tokens: 100, temperature: 0.5, reasoning_effort: 'low',
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
  };
}

interface Target {
  path: string;
  dialect: Dialect;
  body: Json;
  headers?: Record<string, string>;
}

function targetsFor(models: string[]): Target[] {
  const anthropic = { 'anthropic-version': '2023-06-01' };
  const out: Target[] = [];
  for (const m of models) {
    for (const stream of [false, true]) {
      out.push({ path: '/v1/chat/completions', dialect: 'openai', body: openaiChat(m, stream) });
      out.push({ path: '/v1/messages', dialect: 'anthropic', body: { ...(claudeCodeRequest(m) as Record<string, Json>), stream }, headers: anthropic });
      out.push({ path: '/v1/responses', dialect: 'openai', body: { ...(codexRequest(m) as Record<string, Json>), stream } });
      const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      out.push({ path: `/v1beta/models/${m}:${method}`, dialect: 'gemini', body: geminiCliChatRequest() as Json });
    }
    out.push({ path: '/v1/messages/count_tokens', dialect: 'anthropic', body: claudeCodeRequest(m) as Json, headers: anthropic });
  }
  return out;
}

/** The error JSON of each dialect. */
function isDialectError(dialect: Dialect, body: unknown): boolean {
  const b = body as { type?: unknown; error?: { message?: unknown; code?: unknown } } | null;
  if (typeof b?.error?.message !== 'string') return false;
  if (dialect === 'anthropic') return b.type === 'error';
  if (dialect === 'gemini') return typeof b.error.code === 'number';
  return true;
}

let gw: TestGateway;
let upstreams: Awaited<ReturnType<typeof startUpstreams>>;

beforeAll(async () => {
  upstreams = await startUpstreams();
  gw = await startTestGateway(`${upstreams.yaml}\n  mock: { type: mock }\n`);
});
afterAll(async () => {
  await gw?.stop();
  await upstreams?.stop();
});

test(`${REQUESTS} mutated client bodies (seed ${SEED}): never a 5xx, every error in the client's dialect`, async () => {
  const r = rng(SEED);
  const models = [...upstreams.list.map((u) => `${u.provider}/${u.model}`), 'mock/echo', 'mock/tools'];
  const targets = targetsFor(models);
  const problems: string[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < REQUESTS; i++) {
    const t = targets[r(targets.length)]!;
    let body = t.body;
    for (let k = 1 + r(3); k > 0; k--) body = mutate(body, r);
    const res = await gw.fetch(t.path, { method: 'POST', json: body, headers: t.headers });
    const text = await res.text();
    statuses.add(res.status);
    let problem = '';
    if (res.status >= 500) problem = `status ${res.status}`;
    else if (res.status >= 400) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!isDialectError(t.dialect, parsed)) problem = `error not in the ${t.dialect} shape`;
    }
    if (problem) problems.push(`${t.path}: ${problem}\n  body: ${JSON.stringify(body).slice(0, 2000)}\n  reply: ${text.slice(0, 500)}`);
  }
  expect(problems.slice(0, 5)).toEqual([]);
  // The mutations reach both sides: bodies that still work, and bodies refused.
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(400)).toBe(true);
}, 60_000);
