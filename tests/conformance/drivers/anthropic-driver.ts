/**
 * Client driver for the Anthropic Messages dialect, through the official `@anthropic-ai/sdk`:
 * `messages.create` for complete replies, and the stream helper
 * `messages.stream(…).finalMessage()` (what Claude Code's SDK layer does) for streams.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Conversation, Driver, FinishKind, Reply } from '../kit/conformance-types.ts';
import { createRecordingFetch } from '../kit/recording-fetch.ts';

type Params = Anthropic.MessageCreateParamsNonStreaming;

/** The `error.type` values of the Messages API. */
const ANTHROPIC_ERROR_TYPES = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'api_error', 'overloaded_error', 'timeout_error',
]);

function messagesOf(conv: Conversation): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const t of conv.turns) {
    const prev = out.at(-1);
    if (t.role === 'user' && !t.image && prev?.role === 'user' && Array.isArray(prev.content)) {
      // Text after tool results goes in the same user message, as Claude Code sends it.
      prev.content.push({ type: 'text', text: t.text });
    } else if (t.role === 'user') {
      out.push(t.image
        ? { role: 'user', content: [{ type: 'text', text: t.text }, { type: 'image', source: { type: 'base64', media_type: t.image.mediaType as 'image/png', data: t.image.data } }] }
        : { role: 'user', content: t.text });
    } else if (t.role === 'assistant') {
      out.push({ role: 'assistant', content: 'reply' in t ? (t.reply.native as Anthropic.ContentBlockParam[]) : t.text });
    } else {
      out.push({ role: 'user', content: t.results.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.call.id, content: r.output })) });
    }
  }
  return out;
}

function bodyOf(conv: Conversation, model: string): Params {
  const body: Params = { model, max_tokens: conv.thinking ? 4096 : 1024, messages: messagesOf(conv) };
  if (conv.system) body.system = conv.system;
  if (conv.tools) body.tools = conv.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema as Anthropic.Tool.InputSchema }));
  if (conv.thinking) body.thinking = { type: 'enabled', budget_tokens: 2048 };
  if (conv.json) body.output_config = { format: { type: 'json_schema', schema: conv.json.schema } } as Params['output_config'];
  if (conv.stop) body.stop_sequences = conv.stop;
  return body;
}

function finishOf(raw: string | null): FinishKind {
  if (raw === 'end_turn' || raw === 'stop_sequence') return 'stop';
  if (raw === 'tool_use') return 'tool-calls';
  if (raw === 'max_tokens') return 'length';
  return 'other';
}

function fromMessage(m: Anthropic.Message): Reply {
  const reply: Reply = {
    text: '', reasoning: '', toolCalls: [], finish: finishOf(m.stop_reason), rawFinish: String(m.stop_reason), signatures: [],
    usage: { input: m.usage.input_tokens, output: m.usage.output_tokens }, native: m.content,
  };
  for (const b of m.content) {
    if (b.type === 'text') reply.text += b.text;
    else if (b.type === 'thinking') {
      reply.reasoning += b.thinking;
      if (b.signature) reply.signatures.push(b.signature);
    } else if (b.type === 'redacted_thinking') reply.signatures.push(b.data);
    else if (b.type === 'tool_use') reply.toolCalls.push({ id: b.id, name: b.name, args: b.input as Record<string, unknown> });
  }
  return reply;
}

/** The Anthropic Messages driver. */
export function createAnthropicDriver(): Driver {
  let client: Anthropic;
  const recorder = createRecordingFetch();
  return {
    dialect: 'anthropic-messages',
    sdk: '@anthropic-ai/sdk messages',
    limits: {},
    connect(url, key) {
      client = new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0, fetch: recorder.fetch });
    },
    async send(conv, opts) {
      const body = bodyOf(conv, opts.model);
      if (!opts.stream) return fromMessage(await client.messages.create(body));
      return fromMessage(await client.messages.stream(body).finalMessage());
    },
    lastRequestBody: recorder.last,
    errorClass(status) {
      if (status === 400) return Anthropic.BadRequestError;
      if (status === 401) return Anthropic.AuthenticationError;
      if (status === 404) return Anthropic.NotFoundError;
      if (status === 429) return Anthropic.RateLimitError;
      return status >= 500 ? Anthropic.InternalServerError : Anthropic.APIError;
    },
    statusOf: (err) => (err instanceof Anthropic.APIError ? err.status : undefined),
    isStreamError: (err) => err instanceof Anthropic.APIError,
    errorType: (err) => (err instanceof Anthropic.APIError ? (err.error as { error?: { type?: string } } | undefined)?.error?.type : undefined),
    isDialectErrorType: (type) => ANTHROPIC_ERROR_TYPES.has(type),
  };
}
