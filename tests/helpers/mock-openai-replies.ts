/**
 * Reply bodies of the mock OpenAI upstream, shaped exactly like the recorded samples in
 * /work/shared/fixtures/openai (chat-completion.json, chat-stream-include-usage.sse,
 * chat-stream-tool-calls.sse, error-401.json, error-429.json, models.json).
 */

/** What the mock answers to one chat request. */
export interface MockReply {
  content?: string;
  /** Streamed as `reasoning_content` deltas / returned as `message.reasoning_content`. */
  reasoning?: string;
  toolCalls?: Array<{ id?: string; name: string; arguments: string }>;
  /** Default: `tool_calls` when there are tool calls, else `stop`. Null: a stream sends no finish chunk (NVIDIA NIM's GLM after tool calls). */
  finishReason?: string | null;
  /** Default: characters / 4. Any extra fields (details) are sent as given. */
  usage?: { prompt_tokens: number; completion_tokens: number; [k: string]: unknown };
  /** Default: the request's model. */
  model?: string;
  /** The tier the reply says served it (default `default`; null: none named). Set, streams name it on every chunk. */
  serviceTier?: string | null;
}

type Json = Record<string, unknown>;

export interface ReplyMeta {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
}

/** Text of the last user message (string content or its text parts). */
export function lastUserText(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return (m.content as Json[]).map((p) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
    }
  }
  return '';
}

/**
 * The default behaviour: a tool call when the request declares tools and the last user
 * message mentions "weather" (to the tool whose name contains "weather", else the first), an
 * echo of the last user message otherwise.
 */
export function defaultReply(body: Json): MockReply {
  const text = lastUserText(body);
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  if (tools.length > 0 && /weather/i.test(text)) {
    const fns = tools.map((t) => (t.function ?? {}) as Json);
    const fn = fns.find((f) => typeof f.name === 'string' && /weather/i.test(f.name)) ?? fns[0];
    const props = ((fn.parameters as Json | undefined)?.properties ?? {}) as Json;
    const key = Object.keys(props)[0] ?? 'location';
    const city = /\bin ([A-Z][\w .'-]*?)\s*[?.!]*$/.exec(text)?.[1] ?? 'Boston, MA';
    return { toolCalls: [{ id: 'call_abc123', name: String(fn.name), arguments: JSON.stringify({ [key]: city }) }] };
  }
  return { content: text || 'Hello! How can I assist you today?' };
}

export const tokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

function replyChars(r: MockReply): number {
  return (r.content?.length ?? 0) + (r.reasoning?.length ?? 0) +
    (r.toolCalls ?? []).reduce((n, c) => n + c.name.length + c.arguments.length, 0);
}

function usageOf(r: MockReply, meta: ReplyMeta): Json {
  const u = r.usage ?? { prompt_tokens: meta.promptTokens, completion_tokens: tokens(replyChars(r)) };
  const { prompt_tokens, completion_tokens, ...rest } = u;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, ...rest };
}

function finishOf(r: MockReply): string | null {
  return r.finishReason === null ? null : r.finishReason ?? (r.toolCalls?.length ? 'tool_calls' : 'stop');
}

function toolCallsOf(r: MockReply): Json[] {
  return (r.toolCalls ?? []).map((c, i) => ({ id: c.id ?? `call_mock_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
}

/** `chat.completion` body, key order as in chat-completion.json. */
export function completionBody(r: MockReply, meta: ReplyMeta): Json {
  const calls = toolCallsOf(r);
  const message: Json = { role: 'assistant', content: r.content ?? (calls.length ? null : '') };
  if (r.reasoning) message.reasoning_content = r.reasoning;
  if (calls.length) message.tool_calls = calls;
  message.refusal = null;
  message.annotations = [];
  const usage = usageOf(r, meta);
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: r.model ?? meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(r) }],
    usage: {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      ...(r.usage ?? {}),
    },
    ...(r.serviceTier === null ? {} : { service_tier: r.serviceTier ?? 'default' }),
  };
}

/** Splits text into word-sized pieces that join back to it. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** Splits tool arguments into up to three fragments, as the API streams them. */
function fragments(args: string): string[] {
  if (args.length < 3) return args ? [args] : [];
  const a = Math.ceil(args.length / 3);
  return [args.slice(0, a), args.slice(a, 2 * a), args.slice(2 * a)].filter(Boolean);
}

/**
 * The SSE frames (without [DONE]) of a streamed reply: role chunk (merged into the first tool
 * call when there is no text, as chat-stream-tool-calls.sse), reasoning and content deltas,
 * tool-call header + argument fragments keyed by index, the finish chunk, and the
 * `choices: []` usage chunk when `includeUsage`.
 */
export function streamFrames(r: MockReply, meta: ReplyMeta, includeUsage: boolean): string[] {
  const tier = r.serviceTier ? { service_tier: r.serviceTier } : {};
  const head = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: r.model ?? meta.model, ...tier, system_fingerprint: 'fp_mock' };
  const chunk = (delta: Json, finish: string | null = null) =>
    JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const out: string[] = [];
  const calls = toolCallsOf(r);
  const textFirst = Boolean(r.content || r.reasoning) || calls.length === 0;
  if (textFirst) out.push(chunk({ role: 'assistant', content: '', refusal: null }));
  for (const p of pieces(r.reasoning ?? '')) out.push(chunk({ reasoning_content: p }));
  for (const p of pieces(r.content ?? '')) out.push(chunk({ content: p }));
  calls.forEach((c, index) => {
    const fn = c.function as { name: string; arguments: string };
    const header = { index, id: c.id, type: 'function', function: { name: fn.name, arguments: '' } };
    out.push(chunk(index === 0 && !textFirst ? { role: 'assistant', tool_calls: [header] } : { tool_calls: [header] }));
    for (const f of fragments(fn.arguments)) out.push(chunk({ tool_calls: [{ index, function: { arguments: f } }] }));
  });
  if (r.finishReason !== null) out.push(chunk({}, finishOf(r)));
  if (includeUsage) out.push(JSON.stringify({ ...head, choices: [], usage: usageOf(r, meta) }));
  return out;
}

/** OpenAI error body for a status, in the shape of error-401.json / error-429.json. */
export function errorBody(status: number, model: string): Json {
  const e = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });
  switch (status) {
    case 401:
      return e('Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    case 429:
      return e(`Rate limit reached for ${model} in organization org-xxx on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`, 'requests', 'rate_limit_exceeded');
    case 404:
      return e(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    case 400:
      return e('Invalid request.', 'invalid_request_error', null);
    case 503:
      return e('The engine is currently overloaded, please try again later.', 'server_error', null);
    default:
      return e('The server had an error while processing your request. Sorry about that!', 'server_error', null);
  }
}
