/**
 * The server side shared by the mock upstreams (OpenAI, Responses, Anthropic): a node:http
 * server on 127.0.0.1 (random port) that records every request, knows whether its client went
 * away before the response was complete, queues scripted faults, and gives each handler a
 * `drop` that resets the connection (the mid-stream disconnect fault). node:http rather than
 * Bun.serve: it lets a handler write raw frames and destroy the socket at an exact point.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** What every mock records of a request. */
export interface RecordedBase<F> {
  method: string;
  /** Path with query, as received. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  /**
   * Set when the JSON body holds a lone surrogate (an escape such as `\ud83d` without its other
   * half), which RFC 8259 parsers refuse: the column of the first surrogate escape, 1-based.
   */
  loneSurrogateColumn?: number;
  fault?: F;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
  /** The response was sent completely. */
  completed: boolean;
}

/** Answers one recorded request; `drop` resets the connection. */
export type MockHandler<R> = (req: IncomingMessage, res: ServerResponse, rec: R, drop: () => void) => Promise<void>;

export interface MockHttpServer<R, F> {
  port: number;
  requests: R[];
  /** Faults for the next requests, taken in order by the handler (`nextFault`). */
  script(next: F[]): void;
  /** The fault of the next request, if one is queued. */
  nextFault(): F | undefined;
  /** Forgets the recorded requests and queued faults. */
  reset(): void;
  /** Requests whose client went away before the response was complete. */
  readonly closedConnections: number;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the server; `name` labels its timeout errors. */
export async function startMockHttpServer<F, R extends RecordedBase<F> = RecordedBase<F>>(
  name: string,
  handle: MockHandler<R>,
): Promise<MockHttpServer<R, F>> {
  const requests: R[] = [];
  const faults: F[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = record(req, Buffer.concat(chunks).toString('utf8')) as R;
      requests.push(rec);
      let droppedByUs = false;
      res.on('close', () => {
        if (!res.writableFinished && !droppedByUs) rec.aborted = true;
      });
      res.on('finish', () => {
        rec.completed = true;
      });
      const drop = () => {
        droppedByUs = true;
        res.socket?.destroy();
      };
      handle(req, res, rec, drop).catch(() => drop());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    script(next) {
      faults.push(...next);
    },
    nextFault: () => faults.shift(),
    reset() {
      requests.length = 0;
      faults.length = 0;
    },
    get closedConnections() {
      return requests.filter((r) => r.aborted).length;
    },
    async waitFor(predicate, timeoutMs = 2000) {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`${name}: condition not met in time`);
        await sleep(5);
      }
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function record<F>(req: IncomingMessage, text: string): RecordedBase<F> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const rec: RecordedBase<F> = { method: req.method ?? '', path: req.url ?? '', headers, body, aborted: false, completed: false };
  if (typeof body === 'object' && !wellFormed(body)) rec.loneSurrogateColumn = text.search(/\\u[dD][89a-fA-F]/) + 1;
  return rec;
}

/** True when every string of a parsed JSON value, keys included, is well-formed UTF-16. */
function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return v.isWellFormed();
  if (Array.isArray(v)) return v.every(wellFormed);
  if (v && typeof v === 'object') return Object.entries(v).every(([k, x]) => k.isWellFormed() && wellFormed(x));
  return true;
}

/**
 * `sendJson` / `sendRaw` for one API: its request-id header name (`x-request-id` for OpenAI,
 * `request-id` for Anthropic) and whether its JSON is pretty-printed, as the real API sends it.
 */
export function responders(requestIdHeader: string, indent?: number) {
  const sendRaw = (res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}): void => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': type, [requestIdHeader]: 'req_mock', ...headers });
    res.end(text);
  };
  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    sendRaw(res, status, 'application/json', JSON.stringify(body, null, indent), headers);
  };
  return { sendRaw, sendJson };
}
