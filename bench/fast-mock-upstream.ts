/**
 * The benchmark's upstream: answers as fast as Bun can, with fixed bytes, so that whatever is
 * measured in front of it (direct, floor proxy, gateway) is the proxy's cost, not the mock's.
 *
 * - `POST /v1/chat/completions` → a fixed `chat.completion` JSON, or with `"stream":true` a
 *   fixed SSE stream (role chunk, three content chunks, finish chunk, usage chunk, `[DONE]`).
 * - `POST /v1/messages` → a fixed Anthropic `message`, or with `"stream":true` a fixed
 *   Anthropic event stream (message_start … message_stop).
 * - A model name containing `ttft` splits the stream after the first content chunk and sends
 *   the rest `gapMs` later: a proxy that buffers the stream shows up as a TTFT ≥ the gap.
 *
 * Run alone: `bun bench/fast-mock-upstream.ts [--port N]` (prints `READY <port>`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://docs.anthropic.com/en/api/messages-streaming
 */
import { parseArgs } from 'node:util';

const enc = new TextEncoder();
const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const ev = (type: string, obj: unknown) => `event: ${type}\ndata: ${JSON.stringify(obj)}\n\n`;

const CREATED = 1741569952;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

/** The fixed non-stream OpenAI reply. */
export const OPENAI_JSON = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: CREATED, model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 19, completion_tokens: 7, total_tokens: 26 },
});

/** The fixed OpenAI stream, split after the first content chunk (the TTFT boundary). */
export const OPENAI_SSE: readonly [string, string] = [
  sse(chunk({ role: 'assistant', content: '' })) + sse(chunk({ content: 'Hello' })),
  sse(chunk({ content: '! How' })) + sse(chunk({ content: ' can I help?' })) + sse(chunk({}, 'stop'))
    + sse({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model', choices: [], usage: { prompt_tokens: 19, completion_tokens: 7, total_tokens: 26 } })
    + 'data: [DONE]\n\n',
];

/** The fixed non-stream Anthropic reply. */
export const ANTHROPIC_JSON = JSON.stringify({
  id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench',
  content: [{ type: 'text', text: 'Hello! How can I help?' }], stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 19, output_tokens: 7 },
});

/** The fixed Anthropic stream, split after the first text delta. */
export const ANTHROPIC_SSE: readonly [string, string] = [
  ev('message_start', { type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', content: [], model: 'claude-bench', stop_reason: null, stop_sequence: null, usage: { input_tokens: 19, output_tokens: 1 } } })
    + ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    + ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '! How' } })
    + ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' can I help?' } })
    + ev('content_block_stop', { type: 'content_block_stop', index: 0 })
    + ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } })
    + ev('message_stop', { type: 'message_stop' }),
];

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

type Bytes = Uint8Array<ArrayBuffer>;
interface Replies { json: Bytes; sse: readonly [Bytes, Bytes]; whole: Bytes }
const replies = (json: string, parts: readonly [string, string]): Replies => ({
  json: enc.encode(json), sse: [enc.encode(parts[0]), enc.encode(parts[1])], whole: enc.encode(parts[0] + parts[1]),
});
const OPENAI = replies(OPENAI_JSON, OPENAI_SSE);
const ANTHROPIC = replies(ANTHROPIC_JSON, ANTHROPIC_SSE);
const STREAM_FLAG = /"stream"\s*:\s*true/;

export interface FastMock {
  url: string;
  port: number;
  stop(): void;
}

/** Starts the mock on 127.0.0.1. `gapMs` is the pause inside `ttft` streams (default 10 ms). */
export function startFastMock(opts: { port?: number; gapMs?: number } = {}): FastMock {
  const gapMs = opts.gapMs ?? 10;
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: opts.port ?? 0,
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const r = path.endsWith('/chat/completions') ? OPENAI : path.endsWith('/messages') ? ANTHROPIC : undefined;
      if (!r || req.method !== 'POST') return new Response('{"error":{"message":"not found"}}', { status: 404, headers: JSON_HEADERS });
      const body = await req.text();
      if (!STREAM_FLAG.test(body)) return new Response(r.json, { headers: JSON_HEADERS });
      if (!body.includes('ttft')) return new Response(streamOf([r.whole]), { headers: SSE_HEADERS });
      return new Response(streamOf(r.sse, gapMs), { headers: SSE_HEADERS });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, port: server.port ?? 0, stop: () => void server.stop(true) };
}

/** A chunked body (no Content-Length, like a real SSE upstream); parts after the first wait `gapMs`. */
function streamOf(parts: readonly Bytes[], gapMs = 0): ReadableStream<Bytes> {
  let i = 0;
  return new ReadableStream<Bytes>({
    async pull(ctl) {
      if (i > 0 && gapMs > 0) await Bun.sleep(gapMs);
      ctl.enqueue(parts[i++]!);
      if (i === parts.length) ctl.close();
    },
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { port: { type: 'string' }, gap: { type: 'string' } } });
  const mock = startFastMock({ port: Number(values.port ?? 0), gapMs: values.gap ? Number(values.gap) : undefined });
  console.log(`READY ${mock.port}`);
}
