import type { HttpClient, OutboundInit } from '../../../http/types.ts';
import { maskUrlPasswords } from '../../../log/redact.ts';
import { maskHeaders } from './mask-secrets.ts';

/** Recorded bodies are cut at this many characters. */
export const MAX_RECORDED = 256 * 1024;

/** One upstream call as the playground shows it (credentials masked, bodies capped). */
export interface UpstreamExchange {
  request: { url: string; method: string; headers: Record<string, string>; body: unknown };
  reply: { status: number; headers: Record<string, string>; body: string } | { error: string } | null;
}

/** An HTTP client that records every call it makes, for one playground request. */
export interface RecordingHttp extends HttpClient {
  readonly exchanges: UpstreamExchange[];
  /** Resolves once every recorded reply body has been read to its end (or failed). */
  settled(): Promise<void>;
}

/**
 * Wraps the gateway's outbound client so the chat tester can show the exact upstream request
 * and the raw reply. The reply body is teed: the pipeline reads one branch as usual, the
 * recorder the other, so nothing about the request changes. `redact` masks secrets in URLs,
 * header values and bodies; credential headers and URL passwords are masked whatever they hold.
 */
export function createRecordingHttp(inner: HttpClient, redact: (text: string) => string): RecordingHttp {
  const exchanges: UpstreamExchange[] = [];
  const pending: Promise<void>[] = [];
  return {
    exchanges,
    async settled() {
      await Promise.allSettled(pending);
    },
    async fetch(url: string, init: OutboundInit = {}) {
      const ex: UpstreamExchange = {
        request: { url: maskUrlPasswords(redact(url)), method: init.method ?? 'GET', headers: maskHeaders(toHeaders(init.headers), redact), body: readBody(init.body, redact) },
        reply: null,
      };
      exchanges.push(ex);
      let res: Response;
      try {
        res = await inner.fetch(url, init);
      } catch (e) {
        ex.reply = { error: redact(e instanceof Error ? e.message : String(e)) };
        throw e;
      }
      const headers = maskHeaders(res.headers, redact);
      if (!res.body) {
        ex.reply = { status: res.status, headers, body: '' };
        return res;
      }
      const [forPipeline, forRecord] = res.body.tee();
      const reply = { status: res.status, headers, body: '' };
      ex.reply = reply;
      pending.push(readTruncated(forRecord).then((text) => {
        reply.body = redact(text);
      }));
      return new Response(forPipeline, { status: res.status, statusText: res.statusText, headers: res.headers });
    },
  };
}

function toHeaders(h: OutboundInit['headers']): Headers {
  return h instanceof Headers ? h : new Headers(h ?? {});
}

function readBody(body: OutboundInit['body'], redact: (t: string) => string): unknown {
  if (typeof body !== 'string') return body == null ? null : '[binary or streamed body]';
  const text = redact(body.length > MAX_RECORDED ? body.slice(0, MAX_RECORDED) : body);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The recorder's branch of a teed reply as text, cut to its first {@link MAX_RECORDED}
 * characters. Unlike the gateway's bounded readers (which refuse) on purpose: an oversized reply
 * is still shown by its start, and reading goes on to the end so that `settled` resolves when the
 * reply has ended. A read error is noted in the text, never thrown.
 */
async function readTruncated(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (text.length < MAX_RECORDED) text += decoder.decode(value, { stream: true });
    }
  } catch {
    text += '\n[stream ended with an error]';
  }
  return text.length > MAX_RECORDED ? `${text.slice(0, MAX_RECORDED)}…[truncated]` : text;
}
