/**
 * Random replies through every client × upstream pair. Each seed makes one reply: text built
 * from pieces that trip encoders (SSE lookalikes, escapes, line separators, emoji and ZWJ
 * sequences, CJK), up to three tool calls with nested JSON arguments, and a finish. Each of the
 * four upstream mocks answers it in its own wire format, and each client SDK, streamed and not,
 * must read back the same text, reasoning, tool calls (name and arguments) and finish, and the
 * usage row must book the tokens the upstream reported. The fixed rows of the matrix
 * (run-matrix.ts) pin the shapes; this pins the content.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { inputTokens, type MessagesBody } from '../helpers/mock-anthropic-replies.ts';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { createAnthropicDriver } from './drivers/anthropic-driver.ts';
import { createGeminiDriver } from './drivers/gemini-driver.ts';
import { createOpenAIChatDriver } from './drivers/openai-chat-driver.ts';
import { createResponsesDriver } from './drivers/responses-driver.ts';
import type { Conversation, Driver, FinishKind, ToolSpec } from './kit/conformance-types.ts';
import { checkUpstreamBody } from './kit/check-wire-schemas.ts';
import { readUpstreamRequest, type WireFormat } from './kit/read-upstream-request.ts';
import { random } from '../helpers/json-fuzz.ts';

type Json = Record<string, unknown>;

/** A reply as every format can say it. */
interface RandomReply {
  /** Reasoning text ('' for none). */
  reasoning: string;
  text: string;
  calls: Array<{ name: string; args: Json }>;
  /** `length`: cut at the token limit (text only). */
  finish: FinishKind;
  /** The token counts the upstream reports (the Anthropic mock counts its own). */
  usage: { input: number; output: number };
}

/** Seeds per run (`RR_SEEDS` for a longer hunt: 1,000 pass, in ~40 s). */
const SEEDS = Number(process.env.RR_SEEDS ?? 40);

const TOOLS: ToolSpec[] = ['get_weather', 'search_docs', 'run_cmd'].map((name) => ({
  name,
  description: `The ${name} tool.`,
  schema: { type: 'object', properties: { q: { type: 'string' } } },
}));

/** Pieces of text that encoders and SSE framing must carry unchanged. */
const TEXT = [
  'Hello', ' world', '.', '\n', '\n\n', 'data: {"x":1}', '[DONE]', 'event: ping', ': comment', '"quoted"', '\\', '\\n', '\t',
  'é', 'naïve', '日本語', '😀', '👩‍💻', 'e\u0301', '\u2028', '\u2029', '\r\n', '<|im_end|>', '</s>', '```ts\nconst a = 1;\n```', '{"a":[1,2]}',
  '  ', '%s', '$&', '\u00a0', '\ufeff', 'a'.repeat(300),
];

const STRINGS = ['', 'Paris', 'a "b" c', 'back\\slash', 'line\nbreak', '日本', '😀 ok', '\u2028', '</script>', '{"not":"json"}', ' '];

function randomReply(seed: number): RandomReply {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const value = (depth: number): unknown => {
    switch (int(depth > 2 ? 4 : 6)) {
      case 0: return pick(STRINGS);
      case 1: return pick([0, 1, -7, 3.25, 1e21, 2 ** 53 - 1, -0.5]);
      case 2: return pick([true, false, null]);
      case 3: return pick(STRINGS) + pick(STRINGS);
      case 4: return Array.from({ length: int(4) }, () => value(depth + 1));
      default: return object(depth + 1);
    }
  };
  const object = (depth: number): Json => {
    const out: Json = {};
    for (let n = int(4); n > 0; n--) out[pick(['q', 'location', 'n', 'opts', 'list', 'deep', 'ключ', 'a b', '$ref'])] = value(depth);
    return out;
  };
  const calls = Array.from({ length: rnd() < 0.5 ? 0 : 1 + int(3) }, () => ({ name: pick(TOOLS).name, args: object(0) }));
  let text = Array.from({ length: int(7) }, () => pick(TEXT)).join('');
  // A reply with nothing in it is its own case (an empty reply); here there is always content.
  if (text === '' && calls.length === 0) text = pick(TEXT);
  const finish: FinishKind = calls.length > 0 ? 'tool-calls' : rnd() < 0.25 ? 'length' : 'stop';
  const reasoning = rnd() < 0.5 ? '' : Array.from({ length: 1 + int(4) }, () => pick(TEXT)).join('');
  const usage = { input: 10 + int(50_000), output: 1 + int(4000) };
  return { reasoning, text, calls, finish, usage };
}

/** The reply in each upstream's terms. */
const render = {
  openai: (r: RandomReply) => ({
    ...(r.reasoning === '' ? {} : { reasoning: r.reasoning }),
    ...(r.text === '' ? {} : { content: r.text }),
    toolCalls: r.calls.map((c, i) => ({ id: `call_r${i}`, name: c.name, arguments: JSON.stringify(c.args) })),
    ...(r.finish === 'length' ? { finishReason: 'length' } : {}),
    usage: { prompt_tokens: r.usage.input, completion_tokens: r.usage.output },
  }),
  anthropic: (r: RandomReply) => ({
    content: [
      ...(r.reasoning === '' ? [] : [{ type: 'thinking', thinking: r.reasoning, signature: 'EqMockSigR' }]),
      ...(r.text === '' ? [] : [{ type: 'text', text: r.text }]),
      ...r.calls.map((c, i) => ({ type: 'tool_use', id: `toolu_r${i}`, name: c.name, input: c.args })),
    ],
    stop_reason: r.calls.length > 0 ? 'tool_use' : r.finish === 'length' ? 'max_tokens' : 'end_turn',
  }),
  responses: (r: RandomReply) => ({
    ...(r.reasoning === '' ? {} : { reasoning: r.reasoning }),
    ...(r.text === '' ? {} : { text: r.text }),
    toolCalls: r.calls.map((c, i) => ({ callId: `call_r${i}`, name: c.name, arguments: JSON.stringify(c.args) })),
    ...(r.finish === 'length' ? { status: 'incomplete' as const } : {}),
    usage: { input_tokens: r.usage.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: r.usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: r.usage.input + r.usage.output },
  }),
  /** Exact bytes: the text over three chunks, the calls and the finish in the last, as Gemini streams. */
  gemini(r: RandomReply, model: string): { json: string; sse: string } {
    const usageMetadata = { promptTokenCount: r.usage.input, candidatesTokenCount: r.usage.output, totalTokenCount: r.usage.input + r.usage.output };
    const reply = (parts: Json[], finishReason?: string) => ({
      candidates: [{ content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 }],
      usageMetadata, modelVersion: model, responseId: 'randomReply01',
    });
    const calls = r.calls.map((c, i) => ({ functionCall: { name: c.name, args: c.args }, ...(i === 0 ? { thoughtSignature: 'CmockSigR' } : {}) }));
    const finish = r.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
    const cut = [0, Math.floor(r.text.length / 3), Math.floor((2 * r.text.length) / 3), r.text.length];
    // Cuts never split a surrogate pair: Gemini's chunks are whole characters.
    for (let i = 1; i < 3; i++) if (/[\udc00-\udfff]/.test(r.text[cut[i]!] ?? '')) cut[i]!++;
    const pieces = [0, 1, 2].map((i) => r.text.slice(cut[i]!, cut[i + 1]!)).filter((p) => p !== '');
    const thought = r.reasoning === '' ? [] : [{ text: r.reasoning, thought: true }];
    const chunks = [...thought.map((t) => reply([t])), ...pieces.map((text) => reply([{ text }]))];
    chunks.push(reply(calls, finish));
    const all = reply([...thought, ...(r.text === '' ? [] : [{ text: r.text }]), ...calls], finish);
    return { json: JSON.stringify(all), sse: chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('') };
  },
};

let current: RandomReply = randomReply(1);
let gw: TestGateway;
let mocks: { openai: MockOpenAI; anthropic: MockAnthropic; responses: MockResponses; gemini: MockGemini };
const GEMINI_MODEL = 'gemini-3-pro-preview';
const UPSTREAMS = [
  ['openai', 'oai/gpt-4o-mini'],
  ['anthropic', 'claude/claude-sonnet-4-5'],
  ['responses', 'resp/gpt-5.4'],
  ['gemini', `gem/${GEMINI_MODEL}`],
] as const;
const DRIVERS: Driver[] = [createOpenAIChatDriver(), createAnthropicDriver(), createResponsesDriver(), createGeminiDriver()];

beforeAll(async () => {
  mocks = {
    openai: await startMockOpenAI({ respond: () => render.openai(current) }),
    anthropic: await startMockAnthropic({ respond: () => render.anthropic(current) }),
    responses: await startMockResponses({ respond: () => render.responses(current) }),
    gemini: await startMockGemini({}),
  };
  const entry = (name: string, type: string, url: string) => `  ${name}: { type: ${type}, base_url: "${url}", keys: [ "k-${name}" ], allow_private_network: true }`;
  gw = await startTestGateway([
    'providers:',
    entry('oai', 'openai', mocks.openai.url),
    entry('claude', 'anthropic', mocks.anthropic.origin),
    entry('resp', 'openai-responses', mocks.responses.url),
    entry('gem', 'gemini', mocks.gemini.url),
    '',
  ].join('\n'));
  for (const d of DRIVERS) d.connect(gw.url, gw.key);
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all(Object.values(mocks ?? {}).map((m) => m.stop()));
});

/** The tokens the upstream of `format` reported for the last reply. */
function reportedTokens(format: string): { input: number; output: number } {
  if (format !== 'anthropic') return current.usage;
  // The Anthropic mock counts its own: characters of the request and of the content, over four.
  const body = mocks.anthropic.requests.at(-1)!.body as MessagesBody;
  return { input: inputTokens(body), output: Math.max(1, Math.ceil(JSON.stringify(render.anthropic(current).content).length / 4)) };
}

/** The tokens of the last usage row, once written. */
async function bookedTokens(): Promise<{ input: number; output: number }> {
  await gw.settled();
  const row = gw.gw.usage.recent(1)[0]!;
  return { input: row.inputTokens, output: row.outputTokens };
}

/**
 * A Chat Completions client sees reasoning from the Responses and Gemini upstreams only when
 * it asks for it (the summaries and thoughts are requested then); elsewhere reasoning shows.
 */
function showsReasoning(driver: Driver, format: string): boolean {
  return !(driver.dialect === 'openai-chat' && (format === 'responses' || format === 'gemini'));
}

describe('random replies: every client reads what every upstream said', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed}: 4 upstreams × 4 client SDKs × stream and not`, async () => {
      current = randomReply(seed);
      mocks.gemini.configure({ raw: render.gemini(current, GEMINI_MODEL) });
      const conversation: Conversation = { tools: TOOLS, thinking: current.reasoning !== '', turns: [{ role: 'user', text: 'Go on.' }] };
      const want = { text: current.text, calls: current.calls.map((c) => ({ name: c.name, args: c.args })), finish: current.finish };
      for (const [format, model] of UPSTREAMS) {
        for (const driver of DRIVERS) {
          for (const stream of [false, true]) {
            const cell = `${driver.dialect} client ← ${format} upstream, ${stream ? 'stream' : 'non-stream'}`;
            const reply = await driver.send(conversation, { model, stream });
            const got = { text: reply.text, calls: reply.toolCalls.map((c) => ({ name: c.name, args: c.args })), finish: reply.finish };
            expect({ cell, ...got }).toEqual({ cell, ...want });
            expect({ cell, booked: await bookedTokens() }).toEqual({ cell, booked: reportedTokens(format) });
            if (showsReasoning(driver, format)) expect({ cell, reasoning: reply.reasoning }).toEqual({ cell, reasoning: current.reasoning });
          }
        }
      }
    });
  }
});

/** The body the upstream of `format` received last. */
function lastBody(format: WireFormat): unknown {
  const requests: Array<{ body: unknown }> = mocks[format].requests;
  return requests.at(-1)?.body;
}

/**
 * What Chat Completions servers refuse about tool messages (OpenAI, DeepSeek, vLLM): a `tool`
 * message that answers no call of the assistant message before it, and a call that no `tool`
 * message answers before the conversation goes on.
 */
function toolPairingProblems(body: unknown): string[] {
  const messages = ((body as { messages?: unknown[] }).messages ?? []) as Array<{ role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
  const problems: string[] = [];
  let open = new Set<string>();
  messages.forEach((m, i) => {
    if (m.role === 'tool') {
      if (!open.delete(m.tool_call_id ?? '')) problems.push(`messages[${i}]: a tool message answering no open call`);
      return;
    }
    if (open.size > 0) problems.push(`messages[${i}]: calls left unanswered: ${[...open].join(', ')}`);
    open = new Set((m.role === 'assistant' ? m.tool_calls ?? [] : []).map((c) => c.id));
  });
  return problems;
}

/**
 * Assistant text as the upstreams get it back: newlines aside (the view joins a turn's text
 * parts with one, and a Gemini client keeps the streamed chunks as parts), and blank text as
 * none (the Messages API refuses it, so it is dropped on the way there).
 */
function comparable(text: string): string {
  return /\S/.test(text) ? text.replaceAll('\n', '') : '';
}

/** Text a user may type: never blank (the APIs refuse blank text). */
function userText(rnd: () => number): string {
  return `Q${Math.floor(rnd() * 100)}: ${Array.from({ length: Math.floor(rnd() * 4) }, () => TEXT[Math.floor(rnd() * TEXT.length)]!).join('')}`;
}

describe('random conversations: every upstream receives what every client sent', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed}: a tool round trip from each client SDK, its history replayed to a random upstream`, async () => {
      const rnd = random(seed * 7919);
      const reply = randomReply(seed);
      if (reply.calls.length === 0) reply.calls.push({ name: 'search_docs', args: { q: 'x' } });
      reply.finish = 'tool-calls';
      current = reply;
      mocks.gemini.configure({ raw: render.gemini(current, GEMINI_MODEL) });
      const system = rnd() < 0.3 ? undefined : userText(rnd);
      const asked = userText(rnd);
      const after = rnd() < 0.5 ? undefined : userText(rnd);
      for (const driver of DRIVERS) {
        const [firstFormat, firstModel] = UPSTREAMS[Math.floor(rnd() * 4)]!;
        const [format, model] = UPSTREAMS[Math.floor(rnd() * 4)]!;
        const cell = `${driver.dialect} client, first turn from ${firstFormat}, history to ${format}`;
        const conv: Conversation = { ...(system === undefined ? {} : { system }), tools: TOOLS, thinking: reply.reasoning !== '', turns: [{ role: 'user', text: asked }] };
        const first = await driver.send(conv, { model: firstModel, stream: rnd() < 0.5 });
        const outputs = first.toolCalls.map(() => STRINGS[Math.floor(rnd() * STRINGS.length)]!);
        const turns: Conversation['turns'] = [
          ...conv.turns, { role: 'assistant', reply: first },
          { role: 'tool', results: first.toolCalls.map((call, i) => ({ call, output: outputs[i]! })) },
          ...(after === undefined ? [] : [{ role: 'user' as const, text: after }]),
        ];
        const stream = rnd() < 0.5;
        await driver.send({ ...conv, turns }, { model, stream }).catch((e: unknown) => {
          throw new Error(`${cell}, ${stream ? 'stream' : 'non-stream'}: ${String(e)}`);
        });
        const body = lastBody(format);
        expect({ cell, problems: [...checkUpstreamBody(format, body), ...(format === 'openai' ? toolPairingProblems(body) : [])] }).toEqual({ cell, problems: [] });
        const view = readUpstreamRequest(format, body);
        const texts = (role: string) => view.turns.filter((t) => t.role === role && t.text !== '').map((t) => t.text).join('\n');
        expect({
          cell,
          system: view.system,
          user: texts('user'),
          assistant: comparable(texts('assistant')),
          calls: view.turns.flatMap((t) => t.calls.map((c) => ({ name: c.name, args: c.args }))),
          outputs: view.turns.flatMap((t) => t.results.map((r) => r.output)),
        }).toEqual({
          cell,
          system: system ?? '',
          user: [asked, after].filter((t) => t !== undefined).join('\n'),
          assistant: comparable(reply.text),
          calls: reply.calls,
          outputs,
        });
      }
    });
  }
});
