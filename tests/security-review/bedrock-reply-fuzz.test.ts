/**
 * Bedrock's Converse replies and its binary event streams (AWS event-stream frames), mutated the
 * way the other formats are in reply-fuzz.test.ts: a value of the wrong type, a key removed or
 * added, an event dropped, doubled or cut off, the stream ending early. OpenAI, Anthropic and
 * Gemini clients, streamed and not: never a 500, a reset or a hang; errors in the client's
 * dialect; a stream that ends with its terminator or one error event.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { encodeAwsEventMessage } from '../../core/util/aws-event-stream.ts';
import { mutateJson, replyProblem, rng, type ClientDialect, type Json } from '../helpers/json-fuzz.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 400);
const r = rng(SEED);
const VALUES: Json[] = [null, 0, -1, 1.5, 1e308, '', 'x', [], [null], [{}], {}, { a: 1 }, true, 'end_turn', 'tool_use', 'max_tokens', [1, 2], 99999999999];
const mutate = (body: Json) => mutateJson(body, r, VALUES);

/** A Converse reply: reasoning, text and a tool call, as Claude on Bedrock answers. */
const WHOLE: Json = {
  output: { message: { role: 'assistant', content: [
    { reasoningContent: { reasoningText: { text: 'The user wants the weather.', signature: 'sig' } } },
    { text: 'Let me check.' },
    { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
  ] } },
  stopReason: 'tool_use',
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 0 },
  metrics: { latencyMs: 100 },
};

/** The same reply as ConverseStream events. */
const EVENTS: Array<[string, Json]> = [
  ['messageStart', { role: 'assistant' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'The user wants the weather.' } } }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } }],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Let me check.' } }],
  ['contentBlockStop', { contentBlockIndex: 1 }],
  ['contentBlockStart', { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } }],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":' } } }],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '"Paris"}' } } }],
  ['contentBlockStop', { contentBlockIndex: 2 }],
  ['messageStop', { stopReason: 'tool_use' }],
  ['metadata', { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 100 } }],
];

let lastReply = '';

function mutatedStream(): Response {
  const events = structuredClone(EVENTS);
  for (let k = 1 + r(2); k > 0 && events.length > 0; k--) {
    const i = r(events.length);
    const op = r(10);
    if (op < 7) events[i]![1] = mutate(events[i]![1]);
    else if (op < 8) events.splice(i, 1);
    else if (op < 9) events.splice(i, 0, structuredClone(events[i]!));
    else events.length = i;
  }
  lastReply = JSON.stringify(events);
  const frames = events.map(([type, payload]) => encodeAwsEventMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload)));
  return new Response(new Blob(frames as BlobPart[]), { headers: { 'content-type': 'application/vnd.amazon.eventstream' } });
}

let mock: ReturnType<typeof Bun.serve>;
let gw: TestGateway;
const MODEL = 'br/us.anthropic.claude-sonnet-4-5-20250929-v1:0';

beforeAll(async () => {
  mock = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      await req.text();
      if (path.endsWith('/converse-stream')) return mutatedStream();
      if (path.endsWith('/converse')) {
        let body: Json = WHOLE;
        for (let k = 1 + r(2); k > 0; k--) body = mutate(body);
        lastReply = JSON.stringify(body);
        return Response.json(body);
      }
      return new Response('not found', { status: 404 });
    },
  });
  gw = await startTestGateway(`providers:
  br: { type: bedrock, base_url: "http://127.0.0.1:${mock.port}", keys: ["ABSK-fuzz"], allow_private_network: true, models: [us.anthropic.claude-sonnet-4-5-20250929-v1:0] }
`);
});
afterAll(async () => {
  await gw?.stop();
  mock?.stop(true);
});

function request(dialect: ClientDialect, stream: boolean): { path: string; body: Json } {
  if (dialect === 'openai') return { path: '/v1/chat/completions', body: { model: MODEL, stream, messages: [{ role: 'user', content: 'Weather?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] } };
  if (dialect === 'anthropic') return { path: '/v1/messages', body: { model: MODEL, stream, max_tokens: 50, messages: [{ role: 'user', content: 'Weather?' }], tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] } };
  return { path: `/v1beta/models/${MODEL}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, body: { contents: [{ role: 'user', parts: [{ text: 'Weather?' }] }] } };
}

test(`${REQUESTS} mutated Bedrock replies (seed ${SEED}): never a 500, a reset or a hang; errors and stream ends in the client's dialect`, async () => {
  const problems: string[] = [];
  const statuses = new Set<number>();
  const dialects: ClientDialect[] = ['openai', 'anthropic', 'gemini'];
  for (let i = 0; i < REQUESTS && problems.length < 5; i++) {
    const dialect = dialects[r(dialects.length)]!;
    const stream = r(2) === 0;
    const q = request(dialect, stream);
    const { problem, text } = await replyProblem((signal) => gw.fetch(q.path, { method: 'POST', json: q.body, signal }), dialect, stream, statuses);
    if (problem) problems.push(`${dialect} client (${stream ? 'stream' : 'whole'}): ${problem}\n  upstream sent: ${lastReply.slice(0, 1200)}\n  client got: ${text.slice(-400)}`);
  }
  expect(problems).toEqual([]);
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(502)).toBe(true);
}, 120_000);
