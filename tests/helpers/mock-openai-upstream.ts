import type { IncomingMessage, ServerResponse } from 'node:http';
import { responders, sleep, startMockHttpServer, type RecordedBase } from './mock-http-server.ts';
import { completionBody, defaultReply, errorBody, streamFrames, tokens, type MockReply, type ReplyMeta } from './mock-openai-replies.ts';
import { undecodableImage } from './mock-image-check.ts';
import { schemaProblem } from './openai-schema-check.ts';

export type { MockReply } from './mock-openai-replies.ts';

/**
 * A fault injected into one request. Fields combine (`{ firstByteDelayMs: 200, dropAfterChunks: 2 }`).
 */
export interface Fault {
  /** Answer with this status and an OpenAI error body (`body` overrides it). */
  status?: number;
  /** `Retry-After` header value (seconds or HTTP date). */
  retryAfter?: number | string;
  /** The error body: JSON, or a string sent as it is (with `headers`' content type). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before sending the status line. */
  firstByteDelayMs?: number;
  /** Wait between stream chunks. */
  chunkDelayMs?: number;
  /** Stream: send this many data frames, then destroy the socket (mid-stream disconnect). */
  dropAfterChunks?: number;
  /** Stream: a frame of broken JSON after the first chunk. JSON reply: a truncated body. */
  malformed?: boolean;
  /** Never answer (until the client gives up or the mock stops). */
  hang?: boolean;
}

export type RecordedRequest = RecordedBase<Fault>;

export interface MockOpenAIOptions {
  /** Custom answer per chat request; default: echo, or a tool call for "weather" + tools. */
  respond?: (body: Record<string, unknown>, req: RecordedRequest) => MockReply | Promise<MockReply>;
  /** Require `Authorization: Bearer <apiKey>` (401 as error-401.json otherwise). */
  apiKey?: string;
  /** Model ids of `GET /v1/models`. */
  models?: string[];
  /** Default delay between stream chunks. */
  chunkDelayMs?: number;
  /** `created` of every reply (default: now). */
  created?: number;
  /** Refuse tool descriptions longer than this, as Azure's and Copilot's endpoints do (OpenAI's own refused over 1024 until 2025). */
  maxToolDescription?: number;
  /** Refuse more tools than this, as OpenAI's Chat API does past 128. */
  maxTools?: number;
  /**
   * Answer as Google's OpenAI-compatible endpoint serving Gemini 3: a history whose assistant tool
   * calls lack `extra_content.google.thought_signature` is refused (its first such call named).
   */
  geminiSignatures?: boolean;
}

export interface MockOpenAI {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queues faults: the next requests take them in order; later ones run normally. */
  script(next: Fault[]): void;
  /** Requests whose client went away before the response was complete. */
  readonly closedConnections: number;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const { sendJson, sendRaw } = responders('x-request-id', 2);

/**
 * Starts a local OpenAI look-alike on 127.0.0.1 (random port). It speaks the wire format of
 * the recorded samples byte for byte: `chat.completion` JSON, SSE chunks framed `data: …\n\n`
 * ending in `data: [DONE]`, tool-call streams, the include_usage chunk, OpenAI error bodies.
 */
export async function startMockOpenAI(opts: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  let seq = 0;
  const server = await startMockHttpServer<Fault>('mock-openai', handle);

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, drop: () => void): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (opts.apiKey !== undefined && rec.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, errorBody(401, ''));
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models ?? ['gpt-4o-mini', 'gpt-4o']).map((id) => ({ id, object: 'model', created: 1686935002, owned_by: 'openai' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
    }
    const fault = server.nextFault();
    if (fault) rec.fault = fault;
    const body = (rec.body && typeof rec.body === 'object' ? rec.body : {}) as Record<string, unknown>;
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    if (fault?.hang) return;
    if (fault?.firstByteDelayMs) await sleep(fault.firstByteDelayMs);
    if (res.destroyed) return;
    if (fault?.status) {
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      // A text body goes as it is (an error in SSE framing), with the fault's content type.
      if (typeof fault.body === 'string') return sendRaw(res, fault.status, headers['content-type'] ?? 'text/plain', fault.body, headers);
      return sendJson(res, fault.status, fault.body ?? errorBody(fault.status, model), headers);
    }
    if (rec.loneSurrogateColumn !== undefined) {
      // OpenAI-compatible servers on strict parsers (DeepSeek's serde_json) refuse the body.
      const message = `Failed to parse the request body as JSON: lone leading surrogate in hex escape at line 1 column ${rec.loneSurrogateColumn}`;
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } });
    }
    if (await undecodableImage(body.messages)) {
      // As the API words it (seen in client reports of 2024–2025).
      const message = "You uploaded an unsupported image. Please make sure your image is below 20 MB in size and is of one the following formats: ['png', 'jpeg', 'gif', 'webp'].";
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: null, code: 'sanitizer_server_error' } });
    }
    const unsigned = opts.geminiSignatures ? unsignedCall(body.messages) : undefined;
    if (unsigned) {
      const message = `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${unsigned.name}\` , position ${unsigned.position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
      return sendJson(res, 400, [{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }]);
    }
    const toolCount = Array.isArray(body.tools) ? body.tools.length : 0;
    if (toolCount > (opts.maxTools ?? Infinity)) {
      const message = `Invalid 'tools': array too long. Expected an array with maximum length ${opts.maxTools}, but got an array with length ${toolCount} instead.`;
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: 'tools', code: 'array_above_max_length' } });
    }
    const long = (Array.isArray(body.tools) ? body.tools : []).findIndex((t: any) => (t?.function?.description?.length ?? 0) > (opts.maxToolDescription ?? Infinity));
    if (long !== -1) {
      const got = (body.tools as any[])[long].function.description.length;
      const message = `Invalid 'tools[${long}].function.description': string too long. Expected a string with maximum length ${opts.maxToolDescription}, but got a string with length ${got} instead.`;
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: `tools[${long}].function.description`, code: 'string_above_max_length' } });
    }
    for (const [i, t] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
      const message = schemaProblem(String((t as any)?.function?.name), (t as any)?.function?.parameters);
      if (message) return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: `tools[${i}].function.parameters`, code: 'invalid_function_parameters' } });
    }
    const format = body.response_format as { type?: unknown } | undefined;
    if (format?.type === 'json_object' && !/json/i.test(JSON.stringify(body.messages ?? ''))) {
      const message = "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: 'messages', code: null } });
    }
    const problem = toolSequenceProblem(body.messages);
    if (problem) return sendJson(res, 400, { error: { message: problem, type: 'invalid_request_error', param: 'messages', code: null } });
    const reply = await (opts.respond ?? defaultReply)(body, rec);
    const meta: ReplyMeta = {
      id: `chatcmpl-mock${++seq}`,
      created: opts.created ?? Math.floor(Date.now() / 1000),
      model,
      promptTokens: tokens(JSON.stringify(body.messages ?? '').length),
    };
    if (body.stream !== true) {
      const text = JSON.stringify(completionBody(reply, meta), null, 2);
      if (fault?.malformed) return sendRaw(res, 200, 'application/json', text.slice(0, Math.floor(text.length / 2)));
      return sendRaw(res, 200, 'application/json', text);
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const frames = streamFrames(reply, meta, includeUsage);
    if (fault?.malformed) frames.splice(1, 0, '{"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"oops"');
    await sendStream(res, frames, fault, drop);
  }

  async function sendStream(res: ServerResponse, frames: string[], fault: Fault | undefined, drop: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_mock_${seq}` });
    const delay = fault?.chunkDelayMs ?? opts.chunkDelayMs ?? 0;
    for (let i = 0; i < frames.length; i++) {
      if (fault?.dropAfterChunks !== undefined && i >= fault.dropAfterChunks) {
        await sleep(10); // let the written frames leave before the reset
        return drop();
      }
      if (res.destroyed) return;
      res.write(`data: ${frames[i]}\n\n`);
      if (delay > 0) await sleep(delay);
    }
    if (fault?.dropAfterChunks !== undefined && fault.dropAfterChunks >= frames.length) {
      await sleep(10);
      return drop();
    }
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  }

  // Assigned, not spread: a spread would freeze the `closedConnections` getter.
  return Object.assign(server, { url: `http://127.0.0.1:${server.port}/v1` });
}

/**
 * The rule the real API enforces on tool calls (its message, word for word): an assistant
 * message with `tool_calls` is followed by one `tool` message per call id before anything else.
 */
function toolSequenceProblem(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = 0; i < messages.length; i++) {
    const calls = (messages[i] as { role?: string; tool_calls?: Array<{ id?: string }> }).tool_calls;
    if ((messages[i] as { role?: string }).role !== 'assistant' || !Array.isArray(calls) || calls.length === 0) continue;
    const open = new Set(calls.map((c) => String(c.id)));
    for (let j = i + 1; j < messages.length && open.size > 0; j++) {
      const m = messages[j] as { role?: string; tool_call_id?: string };
      if (m.role !== 'tool') break;
      open.delete(String(m.tool_call_id));
    }
    if (open.size > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    }
  }
  return undefined;
}

/** The first assistant tool call of a history without a Gemini thought signature, as Google names it (its message's place, from 1). */
function unsignedCall(messages: unknown): { name: string; position: number } | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const [i, m] of messages.entries()) {
    for (const c of (m as { tool_calls?: any[] })?.tool_calls ?? []) {
      if (typeof c?.extra_content?.google?.thought_signature !== 'string') return { name: String(c?.function?.name), position: i + 1 };
    }
  }
  return undefined;
}
