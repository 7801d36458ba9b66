/**
 * Upstream replies that break their API's shape, as a buggy server or a proxy in front of one
 * may send them: real replies and streams (tests/fixtures/wire) with values of the wrong type,
 * keys removed or added, events dropped, doubled, cut short, or the stream ending early. Clients
 * of all four dialects ask each of the four upstream formats, streamed and not. Whatever comes
 * back, the client gets a reply in its own dialect: never a 500, never a reset connection or a
 * hang, an error as JSON in its shape, and a stream that ends with its terminator or one error
 * event. Seeded (`FUZZ_SEED`, `FUZZ_REQUESTS`): a failure prints what the upstream sent.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutateJson, replyProblem, rng, type Json, type StreamDialect } from '../helpers/json-fuzz.ts';
import { startFourFormatUpstream, type FourFormatUpstream, type WireFormat } from '../helpers/four-format-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Format = WireFormat;
type SseEvent = { event?: string; data: string };

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 800);
const WIRE = join(import.meta.dir, '../fixtures/wire');
const r = rng(SEED);

/** Wrong types, edge numbers, finish reasons and part types out of place, broken text. */
const VALUES: Json[] = [
  null, 0, -1, 1.5, 1e308, 99999999999, '', 'x', 'text', 'tool_use', 'function', 'stop', 'length', 'tool_calls',
  'end_turn', 'STOP', 'MAX_TOKENS', '\ud800', 'x'.repeat(3000), true, false, [], [null], [{}], [1, 2], {}, { a: 1 }, { type: 'text' },
];
const mutate = (body: Json) => mutateJson(body, r, VALUES);

const json = (file: string) => JSON.parse(readFileSync(join(WIRE, file), 'utf8')) as Json;

function sse(file: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of readFileSync(join(WIRE, file), 'utf8').replace(/\r\n/g, '\n').split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (data.length > 0) out.push({ event, data: data.join('\n') });
  }
  return out;
}

const REPLIES: Record<Format, { json: Json[]; sse: SseEvent[][] }> = {
  openai: {
    json: [json('openai/chat-completion.json'), json('openai/chat-completion-tool-calls.json')],
    sse: [sse('openai/chat-stream-include-usage.sse'), sse('openai/chat-stream-tool-calls.sse')],
  },
  anthropic: {
    json: [json('anthropic/message.json')],
    sse: [sse('anthropic/stream-tool-use.sse'), sse('anthropic/stream-thinking-docs.sse'), sse('anthropic/stream-text.sse')],
  },
  responses: {
    json: [json('openai/responses-function-call.json'), json('openai/responses-text.json')],
    sse: [sse('openai/responses-stream.sse')],
  },
  gemini: {
    json: [json('gemini/generateContent-functionCall.response.json'), json('gemini/generateContent-thought.response.json')],
    sse: [sse('gemini/streamGenerateContent-functionCall.response.sse'), sse('gemini/streamGenerateContent-systemInstruction.response.sse')],
  },
};

/** An event's JSON mutated; text an earlier change already cut short is cut again. */
function mutateText(data: string): string {
  try {
    return JSON.stringify(mutate(JSON.parse(data) as Json));
  } catch {
    return data.slice(0, r(data.length));
  }
}

/** What the mock sent last, for the failure report. */
let lastReply = '';

function mutatedReply(format: Format, stream: boolean): Response {
  const set = REPLIES[format];
  if (!stream) {
    let body: Json = set.json[r(set.json.length)]!;
    for (let k = 1 + r(2); k > 0; k--) body = mutate(body);
    lastReply = JSON.stringify(body);
    return Response.json(body);
  }
  const events = structuredClone(set.sse[r(set.sse.length)]!);
  for (let k = 1 + r(2); k > 0 && events.length > 0; k--) {
    const i = r(events.length);
    const ev = events[i]!;
    const op = r(10);
    if (op < 6 && ev.data !== '[DONE]') ev.data = mutateText(ev.data);
    else if (op < 7) events.splice(i, 1);
    else if (op < 8) events.splice(i, 0, structuredClone(ev));
    else if (op < 9) ev.data = ev.data.slice(0, r(ev.data.length));
    else events.length = i; // the stream ends early
  }
  lastReply = events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`).join('');
  return new Response(lastReply, { headers: { 'content-type': 'text/event-stream' } });
}

type Dialect = StreamDialect;

function clientRequest(dialect: Dialect, model: string, stream: boolean): { path: string; body: Json; headers?: Record<string, string> } {
  const params = { type: 'object', properties: { city: { type: 'string' } } };
  const user = 'Weather in Paris?';
  if (dialect === 'openai') {
    return { path: '/v1/chat/completions', body: { model, stream, messages: [{ role: 'user', content: user }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: params } }] } };
  }
  if (dialect === 'anthropic') {
    return {
      path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' },
      body: { model, stream, max_tokens: 100, messages: [{ role: 'user', content: user }], tools: [{ name: 'get_weather', input_schema: params }] },
    };
  }
  if (dialect === 'responses') {
    return { path: '/v1/responses', body: { model, stream, store: false, input: user, tools: [{ type: 'function', name: 'get_weather', parameters: params }] } };
  }
  return {
    path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: { contents: [{ role: 'user', parts: [{ text: user }] }], tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: params }] }] },
  };
}

let mock: FourFormatUpstream;
let gw: TestGateway;

beforeAll(async () => {
  mock = startFourFormatUpstream(mutatedReply);
  gw = await startTestGateway(`providers:\n${mock.providers}\n`);
});
afterAll(async () => {
  await gw?.stop();
  mock?.stop();
});

test(`${REQUESTS} mutated upstream replies (seed ${SEED}): never a 500, a reset or a hang; errors and stream ends in the client's dialect`, async () => {
  const models = ['oai/gpt-4o', 'claude/claude-sonnet-4-5', 'resp/gpt-5', 'gem/gemini-2.5-pro'];
  const dialects: Dialect[] = ['openai', 'anthropic', 'responses', 'gemini'];
  const problems: string[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < REQUESTS && problems.length < 5; i++) {
    const dialect = dialects[r(dialects.length)]!;
    const model = models[r(models.length)]!;
    const stream = r(2) === 0;
    const q = clientRequest(dialect, model, stream);
    const { problem, text } = await replyProblem(
      (signal) => gw.fetch(q.path, { method: 'POST', json: q.body, headers: q.headers, signal }), dialect, stream, statuses, dialect === 'openai' && model.startsWith('oai/'),
    );
    if (problem) problems.push(`${dialect} client → ${model} (${stream ? 'stream' : 'whole'}): ${problem}\n  upstream sent: ${lastReply.slice(0, 1500)}\n  client got: ${text.slice(-500)}`);
  }
  expect(problems).toEqual([]);
  // The mutations reach both sides: replies that still serve, and replies refused as unreadable.
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(502)).toBe(true);
}, 120_000);
