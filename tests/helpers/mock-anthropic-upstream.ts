/**
 * A fake Anthropic Messages API on 127.0.0.1 for tests. It records every request, checks it
 * against the rules the real API enforces (answering 400 `invalid_request_error` like the API
 * does), and replies in the exact wire shape of the fixtures (/work/shared/fixtures/anthropic):
 * a message JSON, or an SSE stream message_start → blocks (thinking + signature, text,
 * tool_use with `input_json_delta` fragments) → message_delta → message_stop.
 *
 * Default behaviour: echo the last user text; with tools and a prompt mentioning "weather", call
 * the weather tool (or the first tool); with `tool_choice` any/tool, call that tool with input
 * built from its schema; with `thinking` on, start with a signed thinking block. Faults
 * (status + retry-after, 529, first-byte delay, drop, malformed frame, stream error, hang) can be
 * set at start or changed with `configure`; `failTimes` limits a fault to the first N requests.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
import { validateMessagesRequest } from './mock-anthropic-validate.ts';

export interface MockAnthropicOptions {
  /** Answer every request with this HTTP status and an Anthropic error body. */
  status?: number;
  errorType?: string;
  errorMessage?: string;
  /** `retry-after` header sent with an error status. */
  retryAfter?: string;
  /** Shortcut for status 529 `overloaded_error`. */
  overloaded?: boolean;
  /** Delay before the response headers. */
  firstByteDelayMs?: number;
  /** Delay between SSE events. */
  eventDelayMs?: number;
  /** Streams: break the connection after this many events (no message_stop). */
  dropAfterEvents?: number;
  /** Streams: send a frame with invalid JSON after this many events. */
  malformedAfterEvents?: number;
  /** Streams: send `event: error` (overloaded_error) after this many events. */
  streamErrorAfterEvents?: number;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Apply the faults above only to the first N requests. */
  failTimes?: number;
  /** Required `x-api-key` (401 authentication_error otherwise). */
  apiKey?: string;
  /** Reply text instead of the echo. */
  reply?: string | ((body: MessagesBody) => string);
  /** Check requests against the API rules (default true). */
  validate?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockAnthropic {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:43123`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The last request's parsed JSON body. */
  lastBody(): MessagesBody | undefined;
  configure(opts: MockAnthropicOptions): void;
  reset(): void;
  stop(): Promise<void>;
}

/** The loosely typed request body the mock reads. */
export type MessagesBody = Record<string, unknown> & {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
  stream?: boolean;
  stop_sequences?: string[];
  max_tokens?: number;
};

type Block = Record<string, unknown> & { type: string };

/** Prefix of the signatures this mock hands out; thinking blocks sent back must carry one. */
export const MOCK_SIGNATURE_PREFIX = 'EqMockSig';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorResponse(status: number, type: string, message: string, headers: Record<string, string> = {}): Response {
  const body = { type: 'error', error: { type, message }, request_id: `req_mock_${Date.now()}` };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'request-id': body.request_id, ...headers } });
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

/** Starts the mock on a random port of 127.0.0.1. */
export async function startMockAnthropic(initial: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  let opts = { ...initial };
  let served = 0;
  const requests: RecordedRequest[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    error: () => new Response(null, { status: 500 }),
    async fetch(request) {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => { headers[k] = v; });
      let body: unknown;
      const text = await request.text();
      try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
      requests.push({ method: request.method, path: url.pathname, search: url.search, headers, body });
      const n = served++;
      const faulty = opts.failTimes === undefined || n < opts.failTimes;
      return answer(request, url, body, faulty ? opts : { ...opts, ...NO_FAULTS }, n);
    },
  });
  const port = server.port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    lastBody: () => requests[requests.length - 1]?.body as MessagesBody | undefined,
    configure(next) {
      opts = { ...opts, ...next };
      served = 0;
    },
    reset() {
      requests.length = 0;
      served = 0;
      opts = { ...initial };
    },
    stop: () => server.stop(true),
  };
}

const NO_FAULTS: MockAnthropicOptions = {
  status: undefined, overloaded: undefined, firstByteDelayMs: undefined, dropAfterEvents: undefined,
  malformedAfterEvents: undefined, streamErrorAfterEvents: undefined, hang: undefined,
};

async function answer(request: Request, url: URL, body: unknown, opts: MockAnthropicOptions, n: number): Promise<Response> {
  if (opts.hang) {
    await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()));
    return new Response(null, { status: 499 });
  }
  if (opts.firstByteDelayMs) await sleep(opts.firstByteDelayMs);
  if (opts.overloaded) return errorResponse(529, 'overloaded_error', 'Overloaded');
  if (opts.status !== undefined && opts.status >= 400) {
    const type = opts.errorType ?? TYPE_BY_STATUS[opts.status] ?? 'api_error';
    return errorResponse(opts.status, type, opts.errorMessage ?? `Mock ${type}`, opts.retryAfter ? { 'retry-after': opts.retryAfter } : {});
  }
  const key = request.headers.get('x-api-key') ?? request.headers.get('authorization')?.replace(/^Bearer /i, '');
  if (!key || (opts.apiKey !== undefined && key !== opts.apiKey)) return errorResponse(401, 'authentication_error', 'invalid x-api-key');
  if (request.method === 'GET' && url.pathname === '/v1/models') {
    return Response.json({ data: [{ type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' }], has_more: false });
  }
  const isCount = url.pathname === '/v1/messages/count_tokens';
  if (request.method !== 'POST' || (url.pathname !== '/v1/messages' && !isCount)) {
    return errorResponse(404, 'not_found_error', 'The requested resource could not be found.');
  }
  if (!request.headers.get('anthropic-version')) return errorResponse(400, 'invalid_request_error', 'anthropic-version: header is required');
  if (opts.validate !== false) {
    const problem = validateMessagesRequest(body, { countTokens: isCount, beta: request.headers.get('anthropic-beta') ?? '' });
    if (problem) return errorResponse(400, 'invalid_request_error', problem);
  }
  const b = body as MessagesBody;
  if (isCount) return Response.json({ input_tokens: inputTokens(b) });
  const message = buildMessage(b, opts, n);
  if (b.stream !== true) return Response.json(message, { headers: { 'request-id': `req_mock_${n}` } });
  return new Response(streamMessage(message, opts), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_mock_${n}` },
  });
}

function inputTokens(b: MessagesBody): number {
  return Math.max(1, Math.ceil(JSON.stringify([b.system ?? '', b.messages ?? [], b.tools ?? []]).length / 4));
}

function lastUserText(b: MessagesBody): { text: string; toolResult?: string } {
  const last = [...(b.messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!last) return { text: '' };
  if (typeof last.content === 'string') return { text: last.content };
  const blocks = last.content as Block[];
  const result = blocks.find((x) => x.type === 'tool_result');
  const text = blocks.filter((x) => x.type === 'text').map((x) => String(x.text)).join('\n');
  if (!result) return { text };
  const c = result.content;
  const rt = typeof c === 'string' ? c : Array.isArray(c) ? (c as Block[]).map((x) => (x.type === 'text' ? String(x.text) : `[${x.type}]`)).join('') : '';
  return { text, toolResult: rt };
}

/** A value conforming (roughly) to a JSON schema, for forced tool calls. */
function sample(schema: Record<string, unknown> | undefined, key = ''): unknown {
  const type = schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === 'object' || (type === undefined && schema?.properties)) {
    const out: Record<string, unknown> = {};
    const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, s] of Object.entries(props)) out[k] = sample(s, k);
    return out;
  }
  if (type === 'array') return [sample(schema?.items as Record<string, unknown> | undefined, key)];
  if (type === 'number' || type === 'integer') return 42;
  if (type === 'boolean') return true;
  return key === 'location' ? 'Paris' : `mock ${key}`.trim();
}

function chooseTool(b: MessagesBody, prompt: string, hasResult: boolean): Record<string, unknown> | undefined {
  const custom = (b.tools ?? []).filter((t) => t.type === undefined || t.type === 'custom');
  const choice = b.tool_choice;
  if (choice?.type === 'tool') return custom.find((t) => t.name === choice.name);
  if (choice?.type === 'any') return custom.find((t) => /weather/i.test(String(t.name))) ?? custom[0];
  if (choice?.type === 'none' || hasResult || custom.length === 0 || !/weather/i.test(prompt)) return undefined;
  return custom.find((t) => /weather/i.test(String(t.name))) ?? custom[0];
}

function buildMessage(b: MessagesBody, opts: MockAnthropicOptions, n: number) {
  const { text: prompt, toolResult } = lastUserText(b);
  const content: Block[] = [];
  if (b.thinking && b.thinking.type !== 'disabled') {
    content.push({ type: 'thinking', thinking: `The user said: ${prompt.slice(0, 80)}`, signature: `${MOCK_SIGNATURE_PREFIX}${btoa(`mock-${n}`)}` });
  }
  const tool = chooseTool(b, prompt, toolResult !== undefined);
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  if (tool) {
    if (b.tool_choice?.type !== 'tool' && b.tool_choice?.type !== 'any') content.push({ type: 'text', text: "I'll check the weather for you." });
    content.push({ type: 'tool_use', id: `toolu_mock${n}${String(tool.name).length}`, name: tool.name, input: sample(tool.input_schema as Record<string, unknown>) });
    stopReason = 'tool_use';
  } else {
    let text = typeof opts.reply === 'function' ? opts.reply(b) : opts.reply ?? (toolResult !== undefined ? `The tool said: ${toolResult}` : prompt || 'Hello!');
    for (const s of b.stop_sequences ?? []) {
      const at = text.indexOf(s);
      if (at !== -1) { text = text.slice(0, at); stopReason = 'stop_sequence'; stopSequence = s; }
    }
    const words = text.split(/(?<=\s)/);
    if (typeof b.max_tokens === 'number' && words.length > b.max_tokens) { text = words.slice(0, b.max_tokens).join(''); stopReason = 'max_tokens'; }
    if (text.length > 0) content.push({ type: 'text', text });
  }
  const output = Math.max(1, Math.ceil(JSON.stringify(content).length / 4));
  return {
    id: `msg_mock${String(n).padStart(4, '0')}`, type: 'message', role: 'assistant', model: b.model, content,
    stop_reason: stopReason, stop_sequence: stopSequence,
    usage: { input_tokens: inputTokens(b), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output },
  };
}

/** Splits a string into about `parts` pieces (at least one). */
function split(s: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** The SSE events of a message, in the API's order (ping after the first block start). */
function messageEvents(message: ReturnType<typeof buildMessage>): Array<[string, Record<string, unknown>]> {
  const ev: Array<[string, Record<string, unknown>]> = [];
  const start = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } };
  ev.push(['message_start', { type: 'message_start', message: start }]);
  message.content.forEach((block, index) => {
    const ping = () => { if (index === 0) ev.push(['ping', { type: 'ping' }]); };
    if (block.type === 'thinking') {
      ev.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
      ping();
      for (const t of split(String(block.thinking), 2)) ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } }]);
      ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }]);
    } else if (block.type === 'text') {
      ev.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      ping();
      for (const t of split(String(block.text), 3)) ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } }]);
    } else {
      ev.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }]);
      ping();
      for (const j of ['', ...split(JSON.stringify(block.input), 4)]) ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: j } }]);
    }
    ev.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  ev.push(['message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: { output_tokens: message.usage.output_tokens } }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  return ev;
}

function streamMessage(message: ReturnType<typeof buildMessage>, opts: MockAnthropicOptions): ReadableStream<Uint8Array> {
  const events = messageEvents(message);
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (opts.eventDelayMs && i > 0) await sleep(opts.eventDelayMs);
      if (i === opts.dropAfterEvents) {
        await sleep(20); // let the events before the drop reach the client first
        return controller.error(new Error('mock: connection dropped'));
      }
      if (i === opts.malformedAfterEvents) {
        controller.enqueue(enc.encode('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n'));
      }
      if (i === opts.streamErrorAfterEvents) {
        controller.enqueue(enc.encode('event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'));
        return controller.close();
      }
      if (i >= events.length) return controller.close();
      const [name, data] = events[i++];
      controller.enqueue(enc.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`));
    },
  });
}
