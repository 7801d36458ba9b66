/**
 * The partner models of the mock Vertex AI (tests/helpers/mock-vertex.ts): Mistral AI and AI21
 * Labs on `…/publishers/{mistralai|ai21}/models/{model}:rawPredict|streamRawPredict`. Vertex
 * hands the body to the publisher's own API and relays its answer, so each publisher checks the
 * request as it does and answers in its own wire format (compact JSON; `data:` SSE frames ending
 * in `data: [DONE]`). The reply is the OpenAI mock's default one (`defaultReply`: an echo of the
 * last user message, or a weather tool call).
 *
 * Mistral AI (docs.mistral.ai/deployment/cloud/vertex; mistralai_gcp's request model):
 * - `model` is the model's name without its `@` version (`codestral` for `codestral@2405`),
 *   else 400 `invalid_model`; `stream` matches the method (the documented pairing; the mock
 *   refuses a mismatch, which Vertex does not document).
 * - Only the fields of Mistral's chat request: any other is a 422 `extra_forbidden` (the
 *   `mistral` preset's quirks: `stream_options`, `max_completion_tokens`, `user`, `seed`…); the
 *   same per message role; tool call ids of exactly 9 letters or digits; no user turn straight
 *   after tool results (code 3230). Chat only: a fill-in-the-middle body is refused like any body
 *   with unknown fields.
 * - Replies: `chat.completion`, usage `{prompt_tokens, total_tokens, completion_tokens}`; a tool
 *   call under a 9-character id, without `type`, its arguments as Python's json.dumps writes
 *   them. Streamed: role chunk, content chunks, the whole tool call in one chunk (Mistral streams
 *   no argument fragments), and the finish reason with the usage in the last chunk.
 *
 * AI21 Labs (docs.ai21.com/reference/jamba-api-response; ai21-python's Vertex client, which
 * sends the body without `model` and `stream`):
 * - A `stream` in the body must match the method; `messages` is required (422 otherwise).
 * - Replies: `{id, choices, usage, meta, model}`, finish reason `stop` also after a tool call (as
 *   AI21 documents `stop` and `length` only). Streamed: chunks of `{id, choices, usage}` only (no
 *   `object`, `created`, `model`), the role first, then one token a chunk; `usage` null except in
 *   the last. How AI21 streams a tool call is not documented: the mock sends it as OpenAI does,
 *   its arguments in fragments.
 *
 * @see https://docs.mistral.ai/deployment/cloud/vertex/
 * @see https://docs.ai21.com/reference/jamba-api-response
 */
import type { ServerResponse } from 'node:http';
import { defaultReply, tokens, type MockReply } from './mock-openai-replies.ts';

type Json = Record<string, any>;

export type PartnerPublisher = 'mistralai' | 'ai21';

/** One partner call as the mock Vertex routed it. */
export interface PartnerCall {
  publisher: PartnerPublisher;
  /** The model as the URL names it (`mistral-medium-3`, `jamba-1.5-large@001`). */
  model: string;
  method: 'rawPredict' | 'streamRawPredict';
  body: Json;
  /** Streams: send this many events, then reset the connection. */
  dropAfterEvents?: number;
}

/** How the mock Vertex writes: raw bytes with a content type, and the connection reset. */
export interface PartnerIo {
  sendRaw(res: ServerResponse, status: number, type: string, text: string): void;
  drop(): void;
}

/** Mistral's chat request on Vertex (mistralai_gcp `ChatCompletionRequest`), plus `safe_prompt`. */
const MISTRAL_FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'response_format', 'tools',
  'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls', 'safe_prompt',
]);
const MISTRAL_MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};
const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;
/** The id Mistral gives the mock's tool calls. */
export const MISTRAL_CALL_ID = 'D681PevKs';
/** The id AI21 gives the mock's tool calls. */
export const AI21_CALL_ID = 'b5cef16b-5946-4937-b9d5-beeaea871e77';

const JSON_TYPE = 'application/json';
const SSE_TYPE = 'text/event-stream; charset=utf-8';

/** Answers one partner call: the publisher's refusal, or its reply (JSON, or SSE frames). */
export async function answerPartner(res: ServerResponse, call: PartnerCall, io: PartnerIo): Promise<void> {
  const refusal = call.publisher === 'mistralai' ? mistralRefusal(call) : ai21Refusal(call);
  if (refusal) return io.sendRaw(res, refusal[0], JSON_TYPE, JSON.stringify(refusal[1]));
  const reply = defaultReply(call.body);
  const meta = { id: crypto.randomUUID().replaceAll('-', ''), created: Math.floor(Date.now() / 1000), promptTokens: tokens(JSON.stringify(call.body.messages ?? []).length) };
  const build = call.publisher === 'mistralai' ? mistral : ai21;
  const { json, frames } = build(reply, call, meta);
  if (call.method === 'rawPredict') return io.sendRaw(res, 200, JSON_TYPE, JSON.stringify(json));
  await sendFrames(res, [...frames.map((f) => JSON.stringify(f)), '[DONE]'], call.dropAfterEvents, io);
}

type Refusal = [number, Json];
interface Meta { id: string; created: number; promptTokens: number }
interface Built { json: Json; frames: Json[] }

function mistralError(message: string, type: string, code: string | null = null): Refusal {
  return [400, { object: 'error', message, type, param: null, code }];
}

/** Mistral's pydantic 422: `message` holds the `detail` list. */
function mistralValidation(loc: Array<string | number>, input: unknown): Refusal {
  return [422, { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted', input }] }, type: 'invalid_request_error', param: null, code: null }];
}

/** The first rule of Mistral's a body breaks, as Mistral answers it; undefined when it passes. */
function mistralRefusal({ model, method, body }: PartnerCall): Refusal | undefined {
  const name = model.split('@')[0];
  if (body.model !== name) return mistralError(`Invalid model: ${String(body.model)}`, 'invalid_model', '1500');
  if ((method === 'streamRawPredict') !== (body.stream === true)) return mistralError(`stream: ${method} takes stream ${method === 'streamRawPredict'}`, 'invalid_request_error');
  const extra = Object.keys(body).find((k) => !MISTRAL_FIELDS.has(k));
  if (extra) return mistralValidation(['body', extra], body[extra]);
  const messages: Json[] = Array.isArray(body.messages) ? body.messages : [];
  for (const [i, m] of messages.entries()) {
    const field = Object.keys(m).find((k) => !MISTRAL_MESSAGE_FIELDS[m.role]?.has(k));
    if (field) return mistralValidation(['body', 'messages', i, m.role, field], m[field]);
    const ids = [...(m.tool_calls ?? []).map((c: Json) => c.id), ...(m.role === 'tool' ? [m.tool_call_id] : [])];
    const bad = ids.find((id) => typeof id !== 'string' || !MISTRAL_ID.test(id));
    if (bad !== undefined) return mistralError(`Tool call id was ${String(bad)} but must be a-z, A-Z, 0-9, with a length of 9.`, 'invalid_request_error');
    if (m.role === 'user' && messages[i - 1]?.role === 'tool') return mistralError("Unexpected role 'user' after role 'tool'", 'invalid_request_message_order', '3230');
  }
  return undefined;
}

function ai21Refusal({ method, body }: PartnerCall): Refusal | undefined {
  if ('stream' in body && (method === 'streamRawPredict') !== (body.stream === true)) {
    return [400, { detail: `stream: ${method} takes stream ${method === 'streamRawPredict'}` }];
  }
  if (!Array.isArray(body.messages)) return [422, { detail: [{ loc: ['body', 'messages'], msg: 'field required', type: 'value_error.missing' }] }];
  return undefined;
}

/** Tool arguments as Python's json.dumps writes them (`{"location": "Paris"}`). */
function pythonJson(args: string): string {
  const o = JSON.parse(args) as Json;
  return `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}

function usageOf(r: MockReply, meta: Meta): { prompt_tokens: number; completion_tokens: number } {
  const chars = (r.content?.length ?? 0) + (r.toolCalls ?? []).reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  return { prompt_tokens: meta.promptTokens, completion_tokens: tokens(chars) };
}

/** Word-sized pieces that join back to the text. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

function mistral(r: MockReply, call: PartnerCall, meta: Meta): Built {
  const { prompt_tokens, completion_tokens } = usageOf(r, meta);
  const usage = { prompt_tokens, total_tokens: prompt_tokens + completion_tokens, completion_tokens };
  const calls = (r.toolCalls ?? []).map((c, index) => ({ id: MISTRAL_CALL_ID, function: { name: c.name, arguments: pythonJson(c.arguments) }, index }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const head = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: call.body.model };
  const chunk = (delta: Json, finishReason: string | null, extra: Json = {}) => ({ ...head, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });
  const frames = [chunk({ role: 'assistant', content: '' }, null), ...pieces(r.content ?? '').map((p) => chunk({ content: p }, null))];
  frames.push(calls.length > 0 ? chunk({ tool_calls: calls }, finish, { usage }) : chunk({ content: '' }, finish, { usage }));
  const message = { role: 'assistant', tool_calls: calls.length > 0 ? calls : null, content: r.content ?? '' };
  const json = { id: meta.id, object: 'chat.completion', created: meta.created, model: call.body.model, choices: [{ index: 0, message, finish_reason: finish }], usage };
  return { json, frames };
}

function ai21(r: MockReply, call: PartnerCall, meta: Meta): Built {
  const { prompt_tokens, completion_tokens } = usageOf(r, meta);
  const usage = { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
  const id = `chat-${meta.id}`;
  const calls = (r.toolCalls ?? []).map((c) => ({ id: AI21_CALL_ID, type: 'function', function: { name: c.name, arguments: pythonJson(c.arguments) } }));
  const chunk = (delta: Json, finishReason: string | null = null, last?: Json) => ({ id, choices: [{ index: 0, delta, finish_reason: finishReason }], usage: last ?? null });
  const frames = [chunk({ role: 'assistant' }), ...pieces(r.content ?? '').map((p) => chunk({ content: p }))];
  calls.forEach((c, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }));
    for (const f of c.function.arguments.match(/.{1,6}/gs) ?? []) frames.push(chunk({ tool_calls: [{ index, function: { arguments: f } }] }));
  });
  frames.push(chunk({ content: '' }, 'stop', usage));
  const message = { role: 'assistant', content: r.content ?? null, tool_calls: calls.length > 0 ? calls : null };
  const json = { id, choices: [{ index: 0, message, finish_reason: 'stop' }], usage, meta: { requestDurationMillis: 501 }, model: call.model };
  return { json, frames };
}

/** Writes `data:` frames; with `dropAfterEvents`, resets the connection after that many. */
async function sendFrames(res: ServerResponse, frames: string[], dropAfter: number | undefined, io: PartnerIo): Promise<void> {
  if (dropAfter === undefined) return io.sendRaw(res, 200, SSE_TYPE, frames.map((f) => `data: ${f}\n\n`).join(''));
  res.writeHead(200, { 'content-type': SSE_TYPE });
  for (const f of frames.slice(0, dropAfter)) res.write(`data: ${f}\n\n`);
  await new Promise((r) => setTimeout(r, 20)); // what was written leaves before the reset
  io.drop();
}
