/**
 * A scripted upstream for the Gemini CLI hunt: one Bun server that records every request and
 * answers each with the next scripted reply (raw bytes, so every upstream format can be played
 * exactly). Stream bodies are written frame by frame with a pause between frames, as a real
 * network delivers them, so the gateway flushes one client chunk per upstream event.
 */

export interface Recorded {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export type Reply = (req: Recorded) => Response | Promise<Response>;

export interface ScriptedUpstream {
  url: string;
  requests: Recorded[];
  /** Queues replies for the next requests, in order; an empty queue answers 500. */
  next(...replies: Reply[]): void;
  reset(): void;
  stop(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const requests: Recorded[] = [];
  const queue: Reply[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = await request.text();
      const rec: Recorded = {
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(rec);
      const reply = queue.shift();
      if (!reply) return new Response('{"error":{"message":"nothing scripted"}}', { status: 500 });
      return reply(rec);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    next: (...replies) => { queue.push(...replies); },
    reset: () => { requests.length = 0; queue.length = 0; },
    stop: () => server.stop(true),
  };
}

const enc = new TextEncoder();

/** A body written piece by piece, `gapMs` apart; `breakAfter` pieces then the connection errors. */
export function paced(pieces: string[], gapMs = 10, breakAfter?: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(c) {
      for (let i = 0; i < pieces.length; i++) {
        if (breakAfter !== undefined && i >= breakAfter) {
          c.error(new Error('connection reset'));
          return;
        }
        c.enqueue(enc.encode(pieces[i]));
        await Bun.sleep(gapMs);
      }
      c.close();
    },
  });
}

const SSE_HEADERS = { 'content-type': 'text/event-stream' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** OpenAI Chat Completions SSE: `data: {…}` frames and `[DONE]`. */
export function openaiStream(frames: unknown[], opts: { done?: boolean; breakAfter?: number } = {}): Reply {
  const pieces = frames.map((f) => `data: ${JSON.stringify(f)}\n\n`);
  if (opts.done !== false) pieces.push('data: [DONE]\n\n');
  return () => new Response(paced(pieces, 10, opts.breakAfter), { headers: SSE_HEADERS });
}

/** Anthropic Messages SSE: `event: <type>` + `data: {…}` per event. */
export function anthropicStream(events: Array<Record<string, unknown>>): Reply {
  const pieces = events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
  return () => new Response(paced(pieces), { headers: SSE_HEADERS });
}

/** Gemini SSE, CRLF-framed as Google sends it. */
export function geminiStream(chunks: unknown[]): Reply {
  const pieces = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`);
  return () => new Response(paced(pieces), { headers: SSE_HEADERS });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return () => new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** Gemini JSON error body, as Google writes it. */
export function googleError(code: number, status: string, message: string, details?: unknown[], headers: Record<string, string> = {}): Reply {
  return json({ error: { code, message, status, ...(details ? { details } : {}) } }, code, headers);
}

/** One OpenAI `chat.completion.chunk` (id, model and created filled in). */
export function openaiChunk(delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return { id: 'chatcmpl-hunt', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] };
}

/** The OpenAI `include_usage` chunk. */
export function openaiUsage(prompt: number, completion: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'chatcmpl-hunt', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...extra } };
}

/** A non-streamed OpenAI chat completion. */
export function openaiCompletion(message: Record<string, unknown>, finish: string, usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }): Reply {
  return json({ id: 'chatcmpl-hunt', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], usage });
}

/** A non-streamed Anthropic message. */
export function anthropicMessage(content: unknown[], stopReason: string, usage: Record<string, number> = { input_tokens: 9, output_tokens: 4 }): Reply {
  return json({ id: 'msg_hunt', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content, stop_reason: stopReason, stop_sequence: null, usage });
}

/** The Anthropic events of one streamed message: `message_start`, the blocks given, `message_delta`, `message_stop`. */
export function anthropicEvents(blocks: Array<Record<string, unknown>>, stopReason: string, usage = { input: 9, output: 4 }): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [{
    type: 'message_start',
    message: { id: 'msg_hunt', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: 1 } },
  }];
  blocks.forEach((b, index) => {
    if (b.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const t of b.deltas as string[]) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } });
    } else if (b.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const t of b.deltas as string[]) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output } });
  events.push({ type: 'message_stop' });
  return events;
}
