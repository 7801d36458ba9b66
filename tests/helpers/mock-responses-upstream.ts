/**
 * A fake OpenAI Responses API on 127.0.0.1 for tests. It records every request, checks it
 * against the rules the real API enforces (answering 400/404 in OpenAI's error envelope), and
 * replies in the wire shape of /work/shared/fixtures/openai/responses-*.json and
 * responses-stream.sse: a `response` JSON, or the full SSE event sequence (`event: <type>` +
 * `data: {…,"sequence_number":n}`) with reasoning items (summary + `encrypted_content`), text
 * deltas and function calls with argument deltas.
 *
 * Default behaviour: with function tools and a prompt mentioning "weather", call the weather
 * tool (or the first one); after a `function_call_output`, answer with the tool output; with
 * `reasoning`, start with a reasoning item; otherwise echo the last user text. Faults
 * (status + retry-after, 5xx, first-byte delay, drop, malformed frame, stream error, hang) are
 * queued with `script` and taken by the next requests in order.
 *
 * @see https://platform.openai.com/docs/api-reference/responses
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { responders, sleep, startMockHttpServer, type RecordedBase } from './mock-http-server.ts';
import { buildResponse, defaultReply, replyEvents, type MockResponsesReply, type ReplyMeta } from './mock-responses-replies.ts';
import { validateResponsesRequest } from './mock-responses-validate.ts';
import { undecodableImage } from './mock-image-check.ts';

export { defaultReply, type MockResponsesReply } from './mock-responses-replies.ts';

/** A fault injected into one request. Fields combine. */
export interface ResponsesFault {
  /** Answer with this status and an OpenAI error body (`body` overrides it). */
  status?: number;
  /** `Retry-After` header value (seconds or HTTP date). */
  retryAfter?: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before sending the status line. */
  firstByteDelayMs?: number;
  /** Wait between stream events. */
  eventDelayMs?: number;
  /** Stream: send this many events, then destroy the socket (mid-stream disconnect). */
  dropAfterEvents?: number;
  /** Stream: a frame of broken JSON after the second event. JSON reply: a truncated body. */
  malformed?: boolean;
  /** Stream: after this many events send `response.failed` + `error` (server_error) and end. */
  streamErrorAfterEvents?: number;
  /** Never answer (until the client gives up or the mock stops). */
  hang?: boolean;
}

export interface RecordedResponsesRequest extends RecordedBase<ResponsesFault> {
  /** The 400/404 the validator answered, if any. */
  rejected?: string;
}

export interface MockResponsesOptions {
  /** Custom answer per request; default: see the file comment. */
  respond?: (body: Record<string, unknown>, req: RecordedResponsesRequest) => MockResponsesReply | Promise<MockResponsesReply>;
  /** Require `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** Model ids of `GET /v1/models`. */
  models?: string[];
  /** Default delay between stream events. */
  eventDelayMs?: number;
  /** `created_at` of every reply (default: now). */
  created?: number;
  /** Check requests against the API rules (default true). */
  validate?: boolean;
}

export interface MockResponses {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1`. */
  url: string;
  port: number;
  requests: RecordedResponsesRequest[];
  /** Queues faults: the next requests take them in order; later ones run normally. */
  script(next: ResponsesFault[]): void;
  readonly closedConnections: number;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const { sendJson, sendRaw } = responders('x-request-id', 2);

/** Starts the mock; see the file comment. */
export async function startMockResponses(opts: MockResponsesOptions = {}): Promise<MockResponses> {
  let seq = 0;
  const server = await startMockHttpServer<ResponsesFault, RecordedResponsesRequest>('mock-responses', handle);

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedResponsesRequest, drop: () => void): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (opts.apiKey !== undefined && rec.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models ?? ['gpt-5.4', 'gpt-5.4-mini']).map((id) => ({ id, object: 'model', created: 1686935002, owned_by: 'openai' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || path !== '/v1/responses') {
      return sendError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', null);
    }
    const fault = server.nextFault();
    if (fault) rec.fault = fault;
    if (fault?.hang) return;
    if (fault?.firstByteDelayMs) await sleep(fault.firstByteDelayMs);
    if (res.destroyed) return;
    if (fault?.status) {
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.body !== undefined) return sendJson(res, fault.status, fault.body, headers);
      const [type, code] = fault.status === 429 ? ['requests', 'rate_limit_exceeded'] : fault.status >= 500 ? ['server_error', null] : ['invalid_request_error', null];
      return sendError(res, fault.status, `Mock fault ${fault.status}. Please try again in 1s.`, type, code, headers);
    }
    if (opts.validate !== false) {
      const problem = validateResponsesRequest(rec.body);
      if (problem) {
        rec.rejected = problem.message;
        return sendError(res, problem.status, problem.message, 'invalid_request_error', problem.code, {}, problem.param);
      }
      if (await undecodableImage((rec.body as { input?: unknown } | undefined)?.input)) {
        rec.rejected = 'image';
        const message = "The image data you provided does not represent a valid image. Please check your input and try again with one of the supported image formats: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'].";
        return sendError(res, 400, message, 'invalid_request_error', 'invalid_value', {}, 'input');
      }
    }
    const body = rec.body as Record<string, unknown>;
    const reply = await (opts.respond ?? defaultReply)(body, rec);
    const meta: ReplyMeta = { id: `resp_mock${String(++seq).padStart(4, '0')}`, created: opts.created ?? Math.floor(Date.now() / 1000), seq };
    const response = buildResponse(body, reply, meta);
    if (body.stream !== true) {
      const text = JSON.stringify(response, null, 2);
      return sendRaw(res, 200, 'application/json', fault?.malformed ? text.slice(0, Math.floor(text.length / 2)) : text);
    }
    await sendStream(res, replyEvents(response), fault, drop);
  }

  async function sendStream(res: ServerResponse, events: Array<Record<string, unknown>>, fault: ResponsesFault | undefined, drop: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_mock_${seq}` });
    const delay = fault?.eventDelayMs ?? opts.eventDelayMs ?? 0;
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (fault?.dropAfterEvents !== undefined && i >= fault.dropAfterEvents) {
        await sleep(10); // let the written frames leave before the reset
        return drop();
      }
      if (fault?.streamErrorAfterEvents !== undefined && i >= fault.streamErrorAfterEvents) {
        const response = { ...(events[0].response as Record<string, unknown>), status: 'failed', error: { code: 'server_error', message: 'The model failed mid-stream.' } };
        res.write(frame({ type: 'response.failed', response, sequence_number: i }));
        res.end(frame({ type: 'error', code: 'server_error', message: 'The model failed mid-stream.', param: null, sequence_number: i + 1 }));
        return;
      }
      if (fault?.malformed && i === 2) res.write('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"oo\n\n');
      res.write(frame(events[i]));
      if (delay > 0) await sleep(delay);
    }
    if (fault?.dropAfterEvents !== undefined) {
      await sleep(10);
      return drop();
    }
    res.end();
  }

  // Assigned, not spread: a spread would freeze the `closedConnections` getter.
  return Object.assign(server, { url: `http://127.0.0.1:${server.port}/v1` });
}

/** One SSE frame exactly as OpenAI frames Responses events. */
function frame(event: Record<string, unknown>): string {
  return `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
}

function sendError(
  res: ServerResponse, status: number, message: string, type: string, code: string | null,
  headers: Record<string, string> = {}, param: string | null = null,
): void {
  sendJson(res, status, { error: { message, type, param, code } }, headers);
}

