import { wireArguments } from '../../../core/util/tool-arguments.ts';
import { detailsOf, withSignedCalls } from './reasoning-details.ts';
import { effortForBudget } from '../../../core/util/reasoning-effort.ts';
import { sessionCacheKey } from '../../../core/util/session-cache-key.ts';
import { capOutputTokens } from '../../../core/util/output-token-limit.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ContentPart, FilePart, ImagePart, Message, ReasoningEffort, ToolResultPart } from '../../../core/types/hub.ts';
import { applyOpenAIQuirks, type OpenAIQuirks } from './openai-quirks.ts';
import { fitReasoningEffort } from '../../../core/util/reasoning-effort.ts';
import { needsValueWrap, wrapValueSchema } from '../../../core/util/unwrap-json-value.ts';
import { withArrayItems } from '../../../core/util/openai-tool-schemas.ts';

/** How to shape the body for one upstream. */
export interface ConvertOpenAIChatOptions {
  /** The upstream's model id (the target model, not what the client asked for). */
  model: string;
  quirks: OpenAIQuirks;
  /** The upstream is OpenAI itself: `developer` role kept, no `top_k`. */
  official: boolean;
}

type Wire = Record<string, unknown>;

/**
 * ChatRequest → OpenAI Chat Completions request JSON. Streams always ask for the usage chunk
 * (`stream_options.include_usage`) unless the `no_stream_usage` quirk says the upstream
 * rejects it. OpenAI-only fields decoded from an OpenAI client (`providerOptions.openai`)
 * are added back unless a mapped field already set them. Quirks are applied last.
 *
 * Max tokens are capped to the model's `max_output_tokens` quirk (never raised): Claude Code's
 * 32000 is a 400 at gpt-4o (16384).
 *
 * `n` is never sent: the hub result carries one choice, so more would be paid for and dropped
 * (an OpenAI client's `n` reaches the upstream on the passthrough lane, which skips this). A
 * `json_schema` whose root is not an object is sent wrapped (see `wrapValueSchema`); the
 * adapter unwraps the reply.
 *
 * Errors: GatewayError 400 `GW_UNSUPPORTED` for a file given only by URL (the API takes
 * inline data or a file id).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function convertToOpenAIChatRequest(req: ChatRequest, opts: ConvertOpenAIChatOptions): Wire {
  const echo = opts.quirks.echoReasoning ? (opts.quirks.reasoningField ?? 'reasoning_content') : undefined;
  const details = opts.quirks.reasoningDetails ? { signCalls: /gemini-3/i.test(opts.model) } : undefined;
  const body: Wire = { model: opts.model, messages: convertMessages(req.messages, opts.official, echo, details) };
  const tools = req.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description === undefined ? {} : { description: t.description }),
        // OpenAI refuses the whole request for an array schema without `items` (MCP servers send them).
        parameters: withArrayItems(t.parameters) ?? t.parameters,
        ...(t.strict === undefined ? {} : { strict: t.strict }),
      },
    }));
    if (req.toolChoice !== undefined) {
      body.tool_choice = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
    }
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  if (req.maxTokens !== undefined) body[opts.quirks.maxTokensField ?? 'max_tokens'] = capOutputTokens(req.maxTokens, opts.quirks.maxOutputTokens);
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined && !opts.official) body.top_k = req.topK;
  if (req.stop && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.responseFormat) body.response_format = convertResponseFormat(req.responseFormat);
  const effort = reasoningEffortOf(req.reasoning);
  const fitted = effort && fitReasoningEffort(effort, opts.quirks.reasoningEfforts);
  if (fitted) body.reasoning_effort = fitted;
  if (req.user !== undefined) body.user = req.user;
  if (req.stream) {
    body.stream = true;
    if (!opts.quirks.noStreamUsage) body.stream_options = { include_usage: true };
  }
  // A tier asked in another OpenAI dialect (Codex's Responses `service_tier: priority`); an
  // OpenAI Chat client's own reaches any compatible server with its other fields, below.
  if (req.serviceTier !== undefined && opts.official) body.service_tier = req.serviceTier;
  const extras = req.providerOptions?.openai;
  if (extras) for (const k in extras) if (!(k in body) && extras[k] !== undefined) body[k] = extras[k];
  // OpenAI routes a session's requests to the machine holding its prompt cache by this key.
  if (opts.official && body.prompt_cache_key === undefined && req.user) body.prompt_cache_key = sessionCacheKey(req.user);
  return applyOpenAIQuirks(body, opts.quirks);
}

/**
 * `reasoning_effort` for the request: the effort as asked, else a thinking budget (from an
 * Anthropic or Gemini client) mapped to the nearest effort, else `medium` when thinking is
 * merely switched on. Nothing when thinking is off or unspecified.
 */
function reasoningEffortOf(r: ChatRequest['reasoning']): ReasoningEffort | undefined {
  if (!r) return undefined;
  if (r.effort) return r.effort;
  if (r.enabled === false) return undefined;
  if (r.budgetTokens !== undefined) return effortForBudget(r.budgetTokens);
  return r.enabled === true ? 'medium' : undefined;
}

/**
 * JSON mode (`json_object`) is refused unless the conversation says "json" ("'messages' must
 * contain the word 'json' in some form", OpenAI and DeepSeek alike); Gemini's JSON output has no
 * such rule. A converted body in JSON mode whose messages never say it gets a first system
 * message that does; the body itself when it needs none.
 */
export function withJsonWord(body: Wire): Wire {
  const format = body.response_format as Wire | undefined;
  const messages = body.messages as Wire[];
  if (format?.type !== 'json_object' || !Array.isArray(messages) || saysJson(messages)) return body;
  return { ...body, messages: [JSON_INSTRUCTION, ...messages] };
}

const JSON_INSTRUCTION: Wire = { role: 'system', content: 'Respond in JSON.' };

/** True when a message's text (not its images' data, where the letters can occur by chance) says "json". */
function saysJson(messages: readonly Wire[]): boolean {
  const says = (text: unknown) => typeof text === 'string' && /json/i.test(text);
  return messages.some((m) => says(m.content) || (Array.isArray(m.content) && m.content.some((p: Wire) => says(p?.text))));
}

/** OpenAI takes object roots only (strict or not): any other root goes as `{value: …}`. */
function convertResponseFormat(f: NonNullable<ChatRequest['responseFormat']>): Wire {
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: f.name,
      ...(f.description === undefined ? {} : { description: f.description }),
      schema: needsValueWrap(f.schema) ? wrapValueSchema(f.schema) : f.schema,
      ...(f.strict === undefined ? {} : { strict: f.strict }),
    },
  };
}

/**
 * `echo`: the field that carries reasoning back (quirk `echo_reasoning`), set on every
 * tool-calling assistant message of the history. DeepSeek's thinking mode wants it there in every
 * later request, not only within the tool loop under way (a 400 "Missing `reasoning_content`
 * field" otherwise), and checks that the field is present: a call whose reasoning the client did
 * not keep (Gemini CLI keeps no thoughts, another provider made it) sends an empty one.
 *
 * `details` (quirk `reasoning_details`): OpenRouter's reasoning blocks a reply carried go back
 * on each assistant message, and with `signCalls` (a Gemini 3 model) a message of calls without
 * an encrypted block gets Google's placeholder signature.
 *
 * @see https://api-docs.deepseek.com/guides/thinking_mode#tool-calls
 */
function convertMessages(messages: readonly Message[], official: boolean, echo?: string, details?: { signCalls: boolean }): Wire[] {
  const out: Wire[] = [];
  // Images of tool results wait for the end of the run of results (parallel calls give one hub
  // message per result): a user message between two `tool` messages is a 400 at OpenAI.
  let images: Wire[] = [];
  const flushImages = () => {
    if (images.length === 0) return;
    out.push({ role: 'user', content: images });
    images = [];
  };
  for (const m of messages) {
    const results = m.content.filter((p): p is ToolResultPart => p.type === 'tool-result');
    if (results.length > 0) pushToolResults(out, results, images);
    else flushImages();
    const rest = results.length > 0 ? m.content.filter((p) => p.type !== 'tool-result') : m.content;
    const msg = convertMessage(m, rest, official);
    if (msg) {
      if (echo !== undefined && Array.isArray(msg.tool_calls)) {
        msg[echo] = m.content.flatMap((p) => (p.type === 'reasoning' && p.text ? [p.text] : [])).join('');
      }
      if (details && m.role === 'assistant') {
        const calls = Array.isArray(msg.tool_calls) ? (msg.tool_calls as Array<{ id: string }>).map((c) => c.id) : [];
        const blocks = details.signCalls ? withSignedCalls(detailsOf(m.content), calls) : detailsOf(m.content);
        if (blocks.length > 0) msg.reasoning_details = blocks;
      }
      flushImages();
      out.push(msg);
    }
  }
  flushImages();
  return out;
}

function convertMessage(m: Message, parts: readonly ContentPart[], official: boolean): Wire | undefined {
  switch (m.role) {
    case 'system': {
      const role = official && m.providerOptions?.openai?.role === 'developer' ? 'developer' : 'system';
      return withName({ role, content: joinText(parts) }, m.name);
    }
    case 'user': {
      if (parts.length === 0) return undefined;
      return withName({ role: 'user', content: convertUserContent(parts) }, m.name);
    }
    case 'assistant': {
      const text = joinText(parts);
      const calls = parts.flatMap((p) =>
        p.type === 'tool-call' ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: wireArguments(p.arguments) } }] : [],
      );
      if (text === '' && calls.length === 0) return withName({ role: 'assistant', content: '' }, m.name);
      const msg: Wire = { role: 'assistant', content: text === '' ? null : text };
      if (calls.length > 0) msg.tool_calls = calls;
      return withName(msg, m.name);
    }
    case 'tool': {
      // Tool results were emitted already; plain text in a tool message has nowhere else to go.
      const text = joinText(parts);
      return text === '' ? undefined : { role: 'user', content: text };
    }
  }
}

function withName(msg: Wire, name: string | undefined): Wire {
  if (name) msg.name = name;
  return msg;
}

function joinText(parts: readonly ContentPart[]): string {
  let text = '';
  for (const p of parts) if (p.type === 'text') text = text === '' ? p.text : `${text}\n\n${p.text}`;
  return text;
}

/** A string when the content is text only (the form every compatible server accepts). */
function convertUserContent(parts: readonly ContentPart[]): string | Wire[] {
  if (parts.every((p) => p.type === 'text')) return joinText(parts);
  const out: Wire[] = [];
  for (const p of parts) {
    if (p.type === 'text') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image') out.push(convertImage(p));
    else if (p.type === 'file') out.push(convertFile(p));
  }
  return out;
}

function convertImage(p: ImagePart): Wire {
  const url = p.url ?? `data:${p.mediaType ?? 'image/png'};base64,${p.data ?? ''}`;
  return { type: 'image_url', image_url: p.detail ? { url, detail: p.detail } : { url } };
}

function convertFile(p: FilePart): Wire {
  if (p.mediaType.startsWith('image/')) return convertImage({ type: 'image', url: p.url, data: p.data, mediaType: p.mediaType });
  const fileId = p.providerOptions?.openai?.fileId;
  if (typeof fileId === 'string') return { type: 'file', file: { file_id: fileId } };
  if (p.data === undefined) {
    throw new GatewayError('GW_UNSUPPORTED', 'This provider takes files as inline data or a file id, not as a URL.', { status: 400 });
  }
  const file: Wire = { file_data: `data:${p.mediaType};base64,${p.data}` };
  if (p.filename) file.filename = p.filename;
  return { type: 'file', file };
}

/**
 * Tool results become `tool` messages (text only, as the API requires). Images returned by a
 * tool are added to `images`, which follow the run of results in one user message (the usual
 * way to show them to an OpenAI-style model).
 */
function pushToolResults(out: Wire[], results: readonly ToolResultPart[], images: Wire[]): void {
  for (const r of results) {
    const text = r.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
    out.push({ role: 'tool', tool_call_id: r.toolCallId, content: text });
    for (const c of r.content) if (c.type === 'image') images.push(convertImage(c));
  }
}
