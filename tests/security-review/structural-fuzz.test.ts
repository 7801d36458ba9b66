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
import { isDialectError, mutateJson, parseOrUndefined, rng, type ClientDialect, type Json } from '../helpers/json-fuzz.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Dialect = ClientDialect;

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 800);

/** Wrong types, edge numbers, role and part names out of place, broken text. */
const VALUES: Json[] = [
  null, 0, -1, 1.5, 1e308, -1e308, 99999999999, '', 'x', 'user', 'assistant', 'system', 'text', 'function', 'tool',
  'image_url', 'data:image/png;base64,AAAA', 'http://127.0.0.1/x.png', '\ud800', 'x'.repeat(5000), true, false,
  [], [null], [{}], [1, 2], {}, { a: 1 }, { type: 'text' }, { type: 'object' }, { type: 'function', function: {} },
];

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
    for (let k = 1 + r(3); k > 0; k--) body = mutateJson(body, r, VALUES);
    const res = await gw.fetch(t.path, { method: 'POST', json: body, headers: t.headers });
    const text = await res.text();
    statuses.add(res.status);
    let problem = '';
    if (res.status >= 500) problem = `status ${res.status}`;
    else if (res.status >= 400 && !isDialectError(t.dialect, parseOrUndefined(text))) problem = `error not in the ${t.dialect} shape`;
    if (problem) problems.push(`${t.path}: ${problem}\n  body: ${JSON.stringify(body).slice(0, 2000)}\n  reply: ${text.slice(0, 500)}`);
  }
  expect(problems.slice(0, 5)).toEqual([]);
  // The mutations reach both sides: bodies that still work, and bodies refused.
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(400)).toBe(true);
}, 60_000);
