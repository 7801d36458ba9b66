/**
 * One local upstream for the Claude Code hunt: answers each request with the next scripted
 * reply, byte for byte (status, headers, JSON or raw SSE text), and records what it received
 * (path, headers, parsed body). It speaks whatever wire format the script is written in, so one
 * server plays the Anthropic, OpenAI-compatible and Gemini upstream.
 */
import { sleep, startMockHttpServer, type MockHttpServer, type RecordedBase } from '../helpers/mock-http-server.ts';

/** What the upstream answers to one request. */
export type Reply =
  /** A JSON body (status 200 unless given) with extra response headers. */
  | { status?: number; json: unknown; headers?: Record<string, string> }
  /** Raw SSE text, sent as the given chunks (each written apart, `delayMs` after each). */
  | { sse: string[]; headers?: Record<string, string>; delayMs?: number };

export interface ScriptedUpstream {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedBase<Reply>[];
  /** Queues the replies of the next requests, in order. */
  next(...replies: Reply[]): void;
  reset(): void;
  stop(): Promise<void>;
}

/** Starts the upstream on 127.0.0.1 (random port). An unscripted request gets a 500. */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  type Server = MockHttpServer<RecordedBase<Reply>, Reply>;
  const server: Server = await startMockHttpServer<Reply>('claude-code-hunt-upstream', async (_req, res, rec) => {
    const reply = server.nextFault();
    rec.fault = reply;
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'nothing scripted' } }));
      return;
    }
    if ('json' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.json));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...reply.headers });
    for (const chunk of reply.sse) {
      if (res.destroyed) return;
      res.write(chunk);
      await sleep(reply.delayMs ?? 1);
    }
    if (!res.destroyed) res.end();
  });
  return {
    origin: `http://127.0.0.1:${server.port}`,
    requests: server.requests,
    next: (...replies) => server.script(replies),
    reset: () => server.reset(),
    stop: () => server.stop(),
  };
}

/** `event: <type>\ndata: <json>\n\n` frames (Anthropic Messages). */
export function anthropicSse(events: ReadonlyArray<{ type: string; [key: string]: unknown }>): string[] {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** `data: <json>\n\n` frames plus `data: [DONE]` (OpenAI Chat Completions). */
export function openaiSse(chunks: unknown[], done = true): string[] {
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), ...(done ? ['data: [DONE]\n\n'] : [])];
}

/** `data: <json>\r\n\r\n` frames, as Gemini's `alt=sse` sends them. */
export function geminiSse(chunks: unknown[]): string[] {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`);
}
