/**
 * Client driver for the OpenAI Chat Completions dialect, through the official `openai` SDK
 * (`chat.completions.create`, streamed with `stream_options.include_usage` as most clients do).
 */
import OpenAI from 'openai';
import type {
  ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Conversation, Driver, FinishKind, Reply, ToolCall } from '../kit/conformance-types.ts';
import { createRecordingFetch } from '../kit/recording-fetch.ts';

type Json = Record<string, unknown>;

function messagesOf(conv: Conversation): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (conv.system) out.push({ role: 'system', content: conv.system });
  for (const t of conv.turns) {
    if (t.role === 'user') {
      out.push(t.image
        ? { role: 'user', content: [{ type: 'text', text: t.text }, { type: 'image_url', image_url: { url: `data:${t.image.mediaType};base64,${t.image.data}` } }] }
        : { role: 'user', content: t.text });
    } else if (t.role === 'assistant') {
      out.push('reply' in t ? (t.reply.native as ChatCompletionMessageParam) : { role: 'assistant', content: t.text });
    } else {
      for (const r of t.results) out.push({ role: 'tool', tool_call_id: r.call.id, content: r.output });
    }
  }
  return out;
}

function bodyOf(conv: Conversation, model: string): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = { model, messages: messagesOf(conv) };
  if (conv.tools) body.tools = conv.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.schema } }));
  if (conv.thinking) body.reasoning_effort = 'low';
  if (conv.json) body.response_format = { type: 'json_schema', json_schema: { name: conv.json.name, schema: conv.json.schema, strict: true } };
  if (conv.stop) body.stop = conv.stop;
  return body;
}

function finishOf(raw: string | null | undefined): FinishKind {
  if (raw === 'stop') return 'stop';
  if (raw === 'tool_calls') return 'tool-calls';
  if (raw === 'length') return 'length';
  return 'other';
}

function parseArgs(text: string): Json {
  const v: unknown = JSON.parse(text || '{}');
  return typeof v === 'object' && v !== null ? (v as Json) : {};
}

/** The assistant message to send back, as clients keep it (reasoning_content included). */
function nativeOf(text: string, calls: ToolCall[], argsText: string[], reasoning: string): Json {
  const msg: Json = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  if (calls.length > 0) msg.tool_calls = calls.map((c, i) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: argsText[i] } }));
  if (reasoning) msg.reasoning_content = reasoning;
  return msg;
}

function fromCompletion(c: ChatCompletion): Reply {
  const choice = c.choices[0];
  const msg = choice.message as ChatCompletion.Choice['message'] & { reasoning_content?: string };
  const fns = (msg.tool_calls ?? []).flatMap((t) => (t.type === 'function' ? [t] : []));
  const toolCalls = fns.map((t) => ({ id: t.id, name: t.function.name, args: parseArgs(t.function.arguments) }));
  const text = msg.content ?? '';
  const reasoning = msg.reasoning_content ?? '';
  return {
    text, reasoning, toolCalls, finish: finishOf(choice.finish_reason), rawFinish: choice.finish_reason, signatures: [],
    usage: c.usage ? { input: c.usage.prompt_tokens, output: c.usage.completion_tokens } : undefined,
    native: nativeOf(text, toolCalls, fns.map((t) => t.function.arguments), reasoning),
  };
}

async function fromStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<Reply> {
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: Reply['usage'];
  const calls: Array<{ id: string; name: string; args: string }> = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
    text += delta.content ?? '';
    reasoning += delta.reasoning_content ?? '';
    for (const tc of delta.tool_calls ?? []) {
      calls[tc.index] ??= { id: '', name: '', args: '' };
      if (tc.id) calls[tc.index].id = tc.id;
      if (tc.function?.name) calls[tc.index].name = tc.function.name;
      calls[tc.index].args += tc.function?.arguments ?? '';
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  const toolCalls = calls.map((c) => ({ id: c.id, name: c.name, args: parseArgs(c.args) }));
  return {
    text, reasoning, toolCalls, finish: finishOf(finish), rawFinish: String(finish), signatures: [], usage,
    native: nativeOf(text, toolCalls, calls.map((c) => c.args), reasoning),
  };
}

/** The OpenAI Chat Completions driver. */
export function createOpenAIChatDriver(): Driver {
  let client: OpenAI;
  const recorder = createRecordingFetch();
  return {
    dialect: 'openai-chat',
    sdk: 'openai chat.completions',
    limits: { signatures: 'Chat Completions has no field for thinking signatures or encrypted reasoning' },
    connect(url, key) {
      client = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, fetch: recorder.fetch });
    },
    async send(conv, opts) {
      const body = bodyOf(conv, opts.model);
      if (!opts.stream) return fromCompletion(await client.chat.completions.create(body));
      return fromStream(await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }));
    },
    lastRequestBody: recorder.last,
    errorClass(status) {
      if (status === 400) return OpenAI.BadRequestError;
      if (status === 401) return OpenAI.AuthenticationError;
      if (status === 404) return OpenAI.NotFoundError;
      if (status === 429) return OpenAI.RateLimitError;
      return status >= 500 ? OpenAI.InternalServerError : OpenAI.APIError;
    },
    statusOf: (err) => (err instanceof OpenAI.APIError ? err.status : undefined),
    isStreamError: (err) => err instanceof OpenAI.APIError,
    errorType: (err) => (err instanceof OpenAI.APIError ? err.type : undefined),
    isDialectErrorType: (type) => /^[a-z_]+$/.test(type),
  };
}
