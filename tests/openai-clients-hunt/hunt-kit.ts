/**
 * The bench of the OpenAI-Chat clients hunt: one gateway in front of an Anthropic, a Gemini and
 * a Responses mock upstream (the translated lane for an OpenAI Chat client), the official
 * `openai` SDK as the client, and the checks every case shares: what an upstream received is
 * valid for its API (the mock's own rules, the published schema, and `upstream-rules.ts`), and
 * the chunks the client got follow the Chat Completions streaming protocol.
 */
import { expect } from 'bun:test';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { checkClientEvent, checkUpstreamBody } from '../conformance/kit/check-wire-schemas.ts';
import { startMockAnthropic, type MockAnthropic, type MockAnthropicReply } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { defaultReply as responsesDefault, type MockResponsesReply } from '../helpers/mock-responses-replies.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { upstreamProblems } from './upstream-rules.ts';

type Json = Record<string, unknown>;

export type UpstreamKind = 'anthropic' | 'gemini' | 'responses';
export const UPSTREAMS: UpstreamKind[] = ['anthropic', 'gemini', 'responses'];

const MODELS: Record<UpstreamKind, string> = {
  anthropic: 'claude/claude-sonnet-4-5',
  gemini: 'gem/gemini-2.5-flash',
  responses: 'resp/gpt-5.4',
};

export interface Hunt {
  gw: TestGateway;
  client: OpenAI;
  claude: MockAnthropic;
  gemini: MockGemini;
  responses: MockResponses;
  /** The gateway model that routes to `up`. */
  model(up: UpstreamKind): string;
  /** Bodies `up` received so far. */
  bodies(up: UpstreamKind): Json[];
  /** The next answer of the Anthropic or Responses mock (one shot; else its default). */
  next: { anthropic?: MockAnthropicReply; responses?: MockResponsesReply };
  stop(): Promise<void>;
}

/** Starts the three mocks and a gateway routing `claude/*`, `gem/*` and `resp/*` to them. */
export async function startHunt(): Promise<Hunt> {
  const next: Hunt['next'] = {};
  const claude = await startMockAnthropic({
    apiKey: 'sk-ant-hunt',
    respond: () => {
      const reply = next.anthropic;
      next.anthropic = undefined;
      return reply;
    },
  });
  const gemini = await startMockGemini({ apiKey: 'AIza-hunt' });
  const responses = await startMockResponses({
    apiKey: 'sk-resp-hunt',
    respond: (body) => {
      const reply = next.responses;
      next.responses = undefined;
      return reply ?? responsesDefault(body);
    },
  });
  const gw = await startTestGateway(`
providers:
  claude: { type: anthropic, base_url: "${claude.origin}", keys: [sk-ant-hunt], allow_private_network: true }
  gem: { type: gemini, base_url: "${gemini.url}", keys: [AIza-hunt], allow_private_network: true }
  resp: { type: openai-responses, base_url: "${responses.url}", keys: [sk-resp-hunt], allow_private_network: true }
`);
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  const bodies = (up: UpstreamKind): Json[] => {
    const list = up === 'anthropic' ? claude.requests : up === 'gemini' ? gemini.requests : responses.requests;
    return list.map((r) => r.body as Json);
  };
  return {
    gw, client, claude, gemini, responses, next, bodies,
    model: (up) => MODELS[up],
    stop: async () => {
      await gw.stop();
      await Promise.all([claude.stop(), gemini.stop(), responses.stop()]);
    },
  };
}

/** Every rule of `up`'s API that `body` breaks: its published schema and upstream-rules.ts. */
export function problemsOf(up: UpstreamKind, body: unknown): string[] {
  return [...checkUpstreamBody(up, body), ...upstreamProblems(up, body)];
}

/** The last body `up` received, after checking it is valid for that API. */
export function lastValidBody(h: Hunt, up: UpstreamKind): Json {
  const body = h.bodies(up).at(-1);
  expect(body).toBeDefined();
  expect({ up, problems: problemsOf(up, body) }).toEqual({ up, problems: [] });
  return body as Json;
}

/** A streamed reply as a client assembles it. */
export interface StreamedReply {
  chunks: ChatCompletionChunk[];
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finish: string | null;
  usage: ChatCompletionChunk['usage'] | undefined;
}

/** Reads a stream the SDK returned, checking the chunk protocol on the way. */
export async function readChunks(stream: AsyncIterable<ChatCompletionChunk>, includeUsage: boolean): Promise<StreamedReply> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunkProblems(chunks, includeUsage)).toEqual([]);
  const reply: StreamedReply = { chunks, text: '', reasoning: '', toolCalls: [], finish: null, usage: undefined };
  for (const chunk of chunks) {
    if (chunk.usage) reply.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
    reply.text += delta.content ?? '';
    reply.reasoning += delta.reasoning_content ?? '';
    for (const tc of delta.tool_calls ?? []) {
      const call = (reply.toolCalls[tc.index] ??= { id: '', name: '', arguments: '' });
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name = tc.function.name;
      call.arguments += tc.function?.arguments ?? '';
    }
    if (choice.finish_reason) reply.finish = choice.finish_reason;
  }
  return reply;
}

/**
 * Breaks of the Chat Completions streaming protocol as clients rely on it (the Vercel AI SDK,
 * Zed and the `openai` SDK's stream helper parse it this strictly): every chunk valid for the
 * published chunk schema, one id; a tool call announced once with `index`, `id`, `type` and
 * `function.name`, its argument fragments after it carrying only `index` and `arguments`, and
 * the arguments complete JSON at the end; exactly one `finish_reason`, in the last chunk with
 * choices; the `choices: []` usage chunk after it only when `include_usage` was asked.
 */
export function chunkProblems(chunks: ChatCompletionChunk[], includeUsage: boolean): string[] {
  const out: string[] = [];
  chunks.forEach((c, i) => out.push(...checkClientEvent('openai-chat', c).map((p) => `chunk ${i}: ${p}`)));
  if (new Set(chunks.map((c) => c.id)).size !== 1) out.push('chunks carry different ids');
  const withChoices = chunks.filter((c) => c.choices.length > 0);
  const finishes = withChoices.filter((c) => c.choices[0].finish_reason !== null);
  if (finishes.length !== 1 || finishes[0] !== withChoices.at(-1)) out.push(`finish_reason in ${finishes.length} chunks, not only the last one`);
  const usageChunks = chunks.filter((c) => c.choices.length === 0);
  if (includeUsage && (usageChunks.length !== 1 || usageChunks[0] !== chunks.at(-1) || !usageChunks[0].usage)) out.push('no usage chunk at the end');
  if (!includeUsage && (usageChunks.length > 0 || chunks.some((c) => c.usage))) out.push('usage sent without include_usage');
  const args = new Map<number, string>();
  for (const c of withChoices) {
    for (const tc of c.choices[0].delta.tool_calls ?? []) {
      const first = !args.has(tc.index);
      const announced = tc.id !== undefined && tc.type === 'function' && typeof tc.function?.name === 'string' && tc.function.name !== '';
      if (first && !announced) out.push(`tool call ${tc.index} starts without id, type and name`);
      if (!first && (tc.id !== undefined || tc.function?.name !== undefined)) out.push(`tool call ${tc.index} announced twice`);
      args.set(tc.index, (args.get(tc.index) ?? '') + (tc.function?.arguments ?? ''));
    }
  }
  if ([...args.keys()].some((k, i) => k !== i)) out.push(`tool call indexes ${[...args.keys()].join()} are not 0, 1, …`);
  for (const [index, text] of args) {
    try {
      JSON.parse(text);
    } catch {
      out.push(`tool call ${index}: arguments ${JSON.stringify(text)} are not JSON`);
    }
  }
  return out;
}

/** A tiny real image of each type (1×1 pixel), base64. */
export const IMAGES = {
  png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  jpeg: '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z',
};
