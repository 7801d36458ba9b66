import type { ServerWebSocket, WebSocketHandler } from 'bun';
import { createSseParser } from '../util/sse.ts';

/**
 * The Responses API over a WebSocket, as Codex speaks it to `ws(s)://…/v1/responses` (its
 * default transport for an OpenAI provider, and for any provider that says
 * `supports_websockets = true`): the client sends `{"type": "response.create", …}` text frames,
 * each the body of a `POST /v1/responses`, and gets back the events of its stream, one JSON
 * event per text frame; a refusal is one `{"type": "error", "status": …, "error": {…}, "headers":
 * {…}}` frame (`retry-after` and `x-request-id` of the answer the POST would have had).
 *
 * Each frame runs through the gateway as the POST would (the upgrade's headers carry the client
 * key: auth, routing, fallback, usage all apply), one at a time per socket. On a socket Codex
 * sends later turns as `previous_response_id` plus the new items only, with `store: false`: the
 * socket keeps its last completed response (the input it was given and its output), and a frame
 * naming it is sent with the whole conversation instead. Any other `previous_response_id` goes
 * as it is (a stored response, when there is one). A warm-up frame (`generate: false`) is
 * answered by the socket itself.
 */

/** What a socket keeps. */
export interface ResponsesSocketData {
  /** The POST each frame becomes: the upgrade's URL and headers. */
  url: string;
  headers: Headers;
  /** The client's address, for plugins that read it. */
  ip: string | undefined;
  /** Frames run one after another. */
  queue: Promise<void>;
  /** The last completed response: its id, the input it was given, its output items. */
  last?: { id: string; input: unknown[]; output: unknown[] };
  /** The frame in flight, aborted when the socket closes. */
  inflight?: AbortController;
  /** Set while a turn waits for the socket to send what it holds. */
  drained?: () => void;
}

/** Bytes a socket may hold unsent before its turn stops reading the stream (a client that reads slowly). */
const HIGH_WATER_BYTES = 1024 * 1024;

export interface ResponsesSocketDeps {
  /** Runs one request through the gateway lane. */
  dispatch(request: Request, ip: string | undefined): Response | Promise<Response>;
  /** The client key's answer to the upgrade: undefined when it may open a socket, else the refusal. */
  refuse(request: Request): Response | undefined | Promise<Response | undefined>;
}

/** Headers of a refused frame's HTTP answer that its error frame carries. */
const FRAME_HEADERS = ['retry-after', 'x-request-id'];

/** Headers of the upgrade that the frames' requests carry (the client key, Codex's own). */
const DROPPED = new Set(['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'content-length', 'host']);

/** True for a WebSocket upgrade asking for the Responses API (`/v1/responses`, or `/responses`). */
export function isResponsesUpgrade(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return false;
  const path = new URL(request.url).pathname.replace(/\/+$/, '');
  return path === '/v1/responses' || path === '/responses';
}

type Socket = ServerWebSocket<ResponsesSocketData>;

export function createResponsesSocket(deps: ResponsesSocketDeps) {
  const send = (ws: Socket, event: unknown) => {
    if (ws.readyState === 1) ws.send(typeof event === 'string' ? event : JSON.stringify(event));
  };
  const refusal = (ws: Socket, status: number, message: string) =>
    send(ws, { type: 'error', status, error: { type: 'invalid_request_error', code: null, message, param: null } });

  /**
   * A frame with `generate: false`: Codex warms the connection with the conversation before the
   * turn that generates. Nothing is asked upstream (no API of the gateway's takes `generate`):
   * the socket answers with an empty completed response, and keeps the input for the next frame,
   * which names it as its `previous_response_id`.
   */
  const prewarm = (ws: Socket, body: Record<string, unknown>, input: unknown[]) => {
    const id = `resp_${crypto.randomUUID().replaceAll('-', '')}`;
    const response = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model, output: [] as unknown[] };
    send(ws, { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress' } });
    send(ws, { type: 'response.completed', sequence_number: 1, response: { ...response, status: 'completed', usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } } });
    ws.data.last = { id, input, output: [] };
  };

  /** One `response.create` frame: the POST it stands for, its events relayed. */
  const run = async (ws: Socket, frame: Record<string, unknown>): Promise<void> => {
    if (ws.readyState !== 1) return; // closed while the frames before it ran
    const { type: _type, ...body } = frame;
    const last = ws.data.last;
    const given = Array.isArray(body.input) ? body.input : typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : [];
    if (last && body.previous_response_id === last.id) {
      body.input = [...last.input, ...last.output, ...given];
      delete body.previous_response_id;
    }
    const input = Array.isArray(body.input) ? body.input : given;
    if (body.generate === false) return prewarm(ws, body, input);
    body.stream = true;
    const ctl = new AbortController();
    ws.data.inflight = ctl;
    const headers = new Headers(ws.data.headers);
    headers.set('content-type', 'application/json');
    const res = await deps.dispatch(new Request(ws.data.url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctl.signal }), ws.data.ip);
    if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const answer = (await res.json().catch(() => undefined)) as { error?: unknown } | undefined;
      // Codex reads a retry's delay from the frame's headers, as from an HTTP answer's.
      const headers = Object.fromEntries(FRAME_HEADERS.flatMap((h) => (res.headers.has(h) ? [[h, res.headers.get(h)]] : [])));
      send(ws, { type: 'error', status: res.status, error: answer?.error ?? { type: 'api_error', message: `The gateway answered HTTP ${res.status}.` }, headers });
      return;
    }
    const parser = createSseParser();
    const relay = (data: string) => {
      if (data === '[DONE]') return;
      send(ws, data);
      if (!data.includes('"response.completed"')) return;
      const event = JSON.parse(data) as { type?: string; response?: { id?: unknown; output?: unknown } };
      if (event.type === 'response.completed' && typeof event.response?.id === 'string') {
        ws.data.last = { id: event.response.id, input, output: Array.isArray(event.response.output) ? event.response.output : [] };
      }
    };
    for await (const chunk of res.body) {
      for (const e of parser.push(chunk)) relay(e.data);
      // Back-pressure: the upstream waits while the client is behind, nothing piles up here.
      while (ws.readyState === 1 && ws.getBufferedAmount() > HIGH_WATER_BYTES) await new Promise<void>((r) => (ws.data.drained = r));
    }
    for (const e of parser.end()) relay(e.data);
  };

  const websocket: WebSocketHandler<ResponsesSocketData> = {
    // A turn may think for minutes without an event: pings keep the socket open meanwhile.
    idleTimeout: 960,
    sendPings: true,
    // A frame is a request body: as large as a conversation with its screenshots, not more.
    maxPayloadLength: 64 * 1024 * 1024,
    message(ws, raw) {
      let frame: unknown;
      try {
        frame = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
      } catch {
        return refusal(ws, 400, 'The frame is not JSON.');
      }
      const type = (frame as { type?: unknown } | null)?.type;
      // Codex tells the server it has applied a response; there is nothing to do with it here.
      if (type === 'response.processed') return;
      if (type !== 'response.create') return refusal(ws, 400, `Unknown frame type ${JSON.stringify(type)}: send {"type": "response.create", …}.`);
      ws.data.queue = ws.data.queue.then(() => run(ws, frame as Record<string, unknown>)).catch((e: unknown) => {
        if (!ws.data.inflight?.signal.aborted) refusal(ws, 500, `The request failed: ${e instanceof Error ? e.message : String(e)}`);
      });
    },
    drain(ws) {
      const drained = ws.data.drained;
      ws.data.drained = undefined;
      drained?.();
    },
    close(ws) {
      ws.data.inflight?.abort();
      ws.data.drained?.();
    },
  };

  return {
    websocket,
    /**
     * Upgrades a Responses WebSocket request whose client key may use the gateway; the refusal
     * (401 in the OpenAI shape) otherwise. Undefined once upgraded, as Bun wants it.
     */
    async upgrade(request: Request, server: Bun.Server<ResponsesSocketData>): Promise<Response | undefined> {
      const refused = await deps.refuse(request);
      if (refused) return refused;
      const headers = new Headers();
      for (const [k, v] of request.headers) if (!DROPPED.has(k)) headers.set(k, v);
      const url = new URL(request.url);
      url.pathname = '/v1/responses';
      url.protocol = 'http:';
      const data: ResponsesSocketData = { url: url.href, headers, ip: server.requestIP(request)?.address, queue: Promise.resolve() };
      if (server.upgrade(request, { data })) return undefined;
      return Response.json({ error: { message: 'The WebSocket upgrade failed.', type: 'invalid_request_error', code: null, param: null } }, { status: 400 });
    },
  };
}
