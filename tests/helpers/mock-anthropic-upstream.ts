import type { IncomingMessage, ServerResponse } from 'node:http';
import { responders, sleep, startMockHttpServer, type RecordedBase } from './mock-http-server.ts';
import {
  defaultReply, inputTokens, messageBody, messageEvents, type MessagesBody, type MockAnthropicReply,
} from './mock-anthropic-replies.ts';
import { createPromptCache } from './mock-anthropic-cache.ts';
import { checkImageLimits, validateMessagesRequest } from './mock-anthropic-validate.ts';

export { MOCK_SIGNATURE_PREFIX, type MessagesBody, type MockAnthropicReply } from './mock-anthropic-replies.ts';

/** A fault injected into one request. Fields combine (`{ firstByteDelayMs: 200, dropAfterEvents: 2 }`). */
export interface AnthropicFault {
  /** Answer with this status and an Anthropic error body (`body` overrides it). */
  status?: number;
  /** `error.type` of that body (default: the type of the status). */
  errorType?: string;
  /** `retry-after` header value (seconds or HTTP date). */
  retryAfter?: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Shortcut for status 529 `overloaded_error`. */
  overloaded?: boolean;
  /** Wait before sending the status line. */
  firstByteDelayMs?: number;
  /** Wait between stream events. */
  eventDelayMs?: number;
  /** Stream: send this many events, then destroy the socket (mid-stream disconnect). */
  dropAfterEvents?: number;
  /** Stream: a frame of broken JSON after the first event. JSON reply: a truncated body. */
  malformed?: boolean;
  /** Stream: after this many events send `event: error` (overloaded_error) and end. */
  streamErrorAfterEvents?: number;
  /** Never answer (until the client gives up or the mock stops). */
  hang?: boolean;
}

/** One request as the mock saw it. */
export type RecordedRequest = RecordedBase<AnthropicFault>;

/** Behaviour of the whole mock (faults are per request, see `script`). */
export interface MockAnthropicOptions {
  /** Custom answer per message request; return undefined for the default behaviour. */
  respond?: (body: MessagesBody, req: RecordedRequest) => MockAnthropicReply | undefined | Promise<MockAnthropicReply | undefined>;
  /** Require this `x-api-key` (401 authentication_error otherwise; any non-empty key when unset). */
  apiKey?: string;
  /** Model ids of `GET /v1/models`. */
  models?: string[];
  /** Default delay between stream events. */
  eventDelayMs?: number;
  /** Check requests against the API rules (default true). */
  validate?: boolean;
  /** Emulate prompt caching (`cache_control`): usage reports cache reads and writes (see mock-anthropic-cache.ts). */
  promptCache?: boolean;
  /** Output limits by model: a larger `max_tokens` is refused, as the API does. */
  maxOutputTokens?: Record<string, number>;
  /**
   * Fields this endpoint does not define, refused in the API's words as an Anthropic-format
   * vendor or a proxy in front of Claude does: top-level names (`context_management`), and
   * `tool.<name>` for a field of a tool (`tool.defer_loading`).
   */
  refuseFields?: string[];
  /** `anthropic-beta` flags this endpoint has not enabled: refused in the API's words (Vertex does so). */
  refuseBetas?: string[];
  /** Refuse `tool_reference` blocks in tool results, in Moonshot's words (an endpoint without tool search). */
  refuseToolReferences?: boolean;
  /**
   * Names this endpoint serves a Claude model under (a proxy's deployment name, an inference
   * profile), by the model they stand for: its requests are checked as that model's.
   */
  servesAs?: Record<string, string>;
}

/** A running mock. */
export interface MockAnthropic {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1` (the adapter does not double it). */
  url: string;
  /** Base URL without `/v1`, as `api.anthropic.com` is usually configured. */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** The last request's parsed JSON body. */
  lastBody(): MessagesBody | undefined;
  /** Queues faults: the next requests take them in order; later ones run normally. */
  script(next: AnthropicFault[]): void;
  /** Forgets recorded requests and queued faults. */
  reset(): void;
  /** Requests whose client went away before the response was complete. */
  readonly closedConnections: number;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const { sendJson, sendRaw } = responders('request-id');

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error', 529: 'overloaded_error',
};

/** The Anthropic error envelope (error-not-found.json). */
export function anthropicErrorBody(status: number, message?: string, type?: string) {
  const t = type ?? TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type: t, message: message ?? `Mock ${t}` }, request_id: `req_mock${status}` };
}

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1 (random port). It records every request,
 * checks it against the rules the real API enforces (400 `invalid_request_error` like the API),
 * and answers in the wire shape of the recorded samples: message JSON, or SSE
 * `event: X\ndata: {…}\n\n` frames from message_start to message_stop (thinking + signature,
 * text, tool_use with input_json_delta fragments). Also `count_tokens` and `GET /v1/models`.
 * Default replies: see `defaultReply` (echo, weather tool call, signed thinking).
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export async function startMockAnthropic(opts: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  let seq = 0;
  const promptCache = opts.promptCache ? createPromptCache() : undefined;
  const server = await startMockHttpServer<AnthropicFault>('mock-anthropic', handle);

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, drop: () => void): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const key = rec.headers['x-api-key'] ?? rec.headers.authorization?.replace(/^Bearer /i, '');
    if (!key || (opts.apiKey !== undefined && key !== opts.apiKey)) return sendJson(res, 401, anthropicErrorBody(401, 'invalid x-api-key'));
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models ?? ['claude-sonnet-4-5', 'claude-haiku-4-5']).map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' }));
      return sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    const isCount = path === '/v1/messages/count_tokens';
    if (req.method !== 'POST' || (path !== '/v1/messages' && !isCount)) {
      return sendJson(res, 404, anthropicErrorBody(404, 'The requested resource could not be found.'));
    }
    const fault = server.nextFault();
    if (fault) rec.fault = fault;
    if (fault?.hang) return;
    if (fault?.firstByteDelayMs) await sleep(fault.firstByteDelayMs);
    if (res.destroyed) return;
    const status = fault?.overloaded ? 529 : fault?.status;
    if (status) {
      const headers: Record<string, string> = { ...fault?.headers };
      if (fault?.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return sendJson(res, status, fault?.body ?? anthropicErrorBody(status, fault?.overloaded ? 'Overloaded' : undefined, fault?.errorType), headers);
    }
    if (rec.loneSurrogateColumn !== undefined) {
      const col = rec.loneSurrogateColumn;
      return sendJson(res, 400, anthropicErrorBody(400, `The request body is not valid JSON: no low surrogate in string: line 1 column ${col} (char ${col - 1})`));
    }
    if (!rec.headers['anthropic-version']) return sendJson(res, 400, anthropicErrorBody(400, 'anthropic-version: header is required'));
    const betas = (rec.headers['anthropic-beta'] ?? '').split(',').map((f) => f.trim());
    const unknownBetas = (opts.refuseBetas ?? []).filter((f) => betas.includes(f));
    if (unknownBetas.length > 0) {
      const message = `Unexpected value(s) ${unknownBetas.map((f) => `\`${f}\``).join(', ')} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`;
      return sendJson(res, 400, anthropicErrorBody(400, message));
    }
    if (opts.refuseToolReferences && JSON.stringify(rec.body).includes('"tool_reference"')) {
      return sendJson(res, 400, anthropicErrorBody(400, 'failed to convert tool result content: unsupported content type in ContentBlockParamUnion: tool_reference'));
    }
    for (const f of opts.refuseFields ?? []) {
      const body = rec.body as Record<string, unknown>;
      if (!f.startsWith('tool.') && Object.hasOwn(body, f)) return sendJson(res, 400, anthropicErrorBody(400, `${f}: Extra inputs are not permitted`));
      const i = Array.isArray(body.tools) ? body.tools.findIndex((t) => t && typeof t === 'object' && Object.hasOwn(t, f.slice(5))) : -1;
      if (f.startsWith('tool.') && i !== -1) return sendJson(res, 400, anthropicErrorBody(400, `tools.${i}.custom.${f.slice(5)}: Extra inputs are not permitted`));
    }
    if (opts.validate !== false) {
      const model = (rec.body as { model?: unknown }).model;
      const checked = typeof model === 'string' && opts.servesAs?.[model] ? { ...(rec.body as object), model: opts.servesAs[model] } : rec.body;
      const problem = validateMessagesRequest(checked, { countTokens: isCount, beta: rec.headers['anthropic-beta'] ?? '' }) ?? await checkImageLimits(rec.body);
      if (problem) return sendJson(res, 400, anthropicErrorBody(400, problem));
    }
    const body = rec.body as MessagesBody;
    if (isCount) return sendJson(res, 200, { input_tokens: inputTokens(body) });
    const limit = opts.maxOutputTokens?.[String(body.model)];
    if (limit !== undefined && Number(body.max_tokens) > limit) {
      return sendJson(res, 400, anthropicErrorBody(400, `max_tokens: ${body.max_tokens} > ${limit}, which is the maximum allowed number of output tokens for ${body.model}`));
    }
    const cached = promptCache?.(body);
    if (cached && 'error' in cached) return sendJson(res, 400, anthropicErrorBody(400, cached.error));
    const n = seq++;
    const reply = (await opts.respond?.(body, rec)) ?? defaultReply(body, n);
    const message = messageBody(reply, body, n);
    if (cached) {
      message.usage.input_tokens = Math.max(1, message.usage.input_tokens - cached.read - cached.write);
      message.usage.cache_read_input_tokens = cached.read;
      message.usage.cache_creation_input_tokens = cached.write;
      message.usage.cache_creation = { ephemeral_5m_input_tokens: cached.write - cached.write1h, ephemeral_1h_input_tokens: cached.write1h };
    }
    if (body.stream !== true) {
      const text = JSON.stringify(message, null, 2);
      return sendRaw(res, 200, 'application/json', fault?.malformed ? text.slice(0, Math.floor(text.length / 2)) : text);
    }
    await sendStream(res, messageEvents(message).map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`), fault, drop);
  }

  async function sendStream(res: ServerResponse, frames: string[], fault: AnthropicFault | undefined, drop: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_mock_${seq}` });
    if (fault?.malformed) frames.splice(1, 0, 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n');
    const delay = fault?.eventDelayMs ?? opts.eventDelayMs ?? 0;
    for (let i = 0; i < frames.length; i++) {
      if (fault?.dropAfterEvents !== undefined && i >= fault.dropAfterEvents) {
        await sleep(10); // let the written events leave before the reset
        return drop();
      }
      if (fault?.streamErrorAfterEvents !== undefined && i >= fault.streamErrorAfterEvents) {
        return void res.end('event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n');
      }
      if (res.destroyed) return;
      res.write(frames[i]);
      if (delay > 0) await sleep(delay);
    }
    if (!res.destroyed) res.end();
  }

  // Assigned, not spread: a spread would freeze the `closedConnections` getter.
  return Object.assign(server, {
    url: `http://127.0.0.1:${server.port}/v1`,
    origin: `http://127.0.0.1:${server.port}`,
    lastBody: () => server.requests.at(-1)?.body as MessagesBody | undefined,
  });
}

