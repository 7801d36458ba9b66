/**
 * One local upstream that speaks the OpenAI Chat, Anthropic Messages, Gemini and OpenAI
 * Responses wire formats and answers each request with the next scripted reply, byte for byte:
 * the usage tests need exact usage blocks, which the behavioural mocks in tests/helpers compute
 * themselves. Built on the shared mock server (records requests, resets a connection mid-stream).
 */
import { responders, sleep, startMockHttpServer, type MockHttpServer, type RecordedBase } from '../helpers/mock-http-server.ts';

/** What the upstream answers to one request. */
export type Scripted =
  /** A JSON body (status 200 unless given). */
  | { status?: number; json: unknown }
  /**
   * SSE frames, each a whole event text (`data: …\n\n`). `dropAfter`: reset the connection after
   * that many frames (a stream cut mid-way). `frameDelayMs`: the wait after each frame.
   */
  | { sse: string[]; dropAfter?: number; frameDelayMs?: number };

export interface ScriptedUpstream {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: MockHttpServer<RecordedBase<Scripted>, Scripted>;
  /** Queues the replies of the next requests, in order. */
  next(...replies: Scripted[]): void;
  stop(): Promise<void>;
}

const { sendJson, sendRaw } = responders('x-request-id');

/** Starts the upstream on 127.0.0.1 (random port). An unscripted request gets a 500. */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  type Server = MockHttpServer<RecordedBase<Scripted>, Scripted>;
  const server: Server = await startMockHttpServer<Scripted>('scripted-upstream', async (_req, res, rec, drop): Promise<void> => {
    const reply: Scripted | undefined = server.nextFault();
    rec.fault = reply;
    if (!reply) return sendJson(res, 500, { error: { message: 'nothing scripted', type: 'server_error' } });
    if ('json' in reply) return sendRaw(res, reply.status ?? 200, 'application/json', JSON.stringify(reply.json));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    for (let i = 0; i < reply.sse.length; i++) {
      if (reply.dropAfter !== undefined && i >= reply.dropAfter) {
        await sleep(20); // let the written frames leave before the reset
        return drop();
      }
      if (res.destroyed) return;
      res.write(reply.sse[i]);
      await sleep(reply.frameDelayMs ?? 1);
    }
    if (!res.destroyed) res.end();
  });
  return {
    origin: `http://127.0.0.1:${server.port}`,
    server,
    next: (...replies) => server.script(replies),
    stop: () => server.stop(),
  };
}

/** `data: <json>\n\n` frames plus `data: [DONE]` (OpenAI Chat). */
export function openaiSse(chunks: unknown[], done = true): string[] {
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), ...(done ? ['data: [DONE]\n\n'] : [])];
}

/** `event: <type>\ndata: <json>\n\n` frames (Anthropic Messages, OpenAI Responses). */
export function namedSse(events: ReadonlyArray<{ type: string; [key: string]: unknown }>): string[] {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** `data: <json>\r\n\r\n` frames, as Gemini's `alt=sse` sends them. */
export function geminiSse(chunks: unknown[]): string[] {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`);
}
