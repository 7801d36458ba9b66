import { rememberToolLimit, statedDescriptionLimit, statedToolCount, withDescriptionsWithin, withKnownToolLimits, withToolCountWithin } from './fit-tools.ts';
import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { createUsageFrameFilter } from './strip-usage-frame.ts';
import { chainFilters, createToolCallFilter, normalizeReplyBody } from './normalize-tool-calls.ts';
import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { Attempt, ByteFilter, CallContext, PassthroughReply, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { buildOpenAIHeaders, chatCompletionsUrl, chatHeaders, isOfficialOpenAI } from './build-openai-headers.ts';
import { convertToOpenAIChatRequest, withJsonWord } from './convert-to-openai-chat-request.ts';
import { resultToParts } from '../../../core/types/result-to-parts.ts';
import { createOpenAIChatJsonParser, mapOpenAIChatResponse, type OpenAIResponseOptions } from './map-openai-chat-response.ts';
import { createOpenAIChatStreamParser } from './map-openai-chat-stream-event.ts';
import { FAILED_GENERATION, mapOpenAIError } from './map-openai-error.ts';
import { applyOpenAIQuirks, developerAsSystem, readOpenAIQuirks, type OpenAIQuirks } from './openai-quirks.ts';
import { createOpenAIOperations } from './openai-operations.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import { streamOf } from '../../../core/util/stream-of.ts';
import { findRefusedField } from '../../../core/util/refused-fields.ts';
import { findStatedOutputLimit } from '../../../core/util/output-token-limit.ts';
import { mapToolNames, OPENAI_TOOL_NAMES } from '../../../core/util/map-tool-names.ts';
import { needsValueWrap } from '../../../core/util/unwrap-json-value.ts';
import { sendRepaired, type Repair, upstreamOf } from '../../../core/util/send-repaired.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { CLAUDE_REMOVED_SAMPLING, isAdaptiveOnlyClaude } from '../../../core/util/claude-models.ts';
import { repairToolSchemas, withKnownSchemaFits } from '../../../core/util/openai-tool-schemas.ts';
import { repairUnreadableArguments, withKnownReadableArguments } from '../../../core/util/readable-arguments.ts';
import { unwrapResultText, unwrapTextParts } from './unwrap-json-value-reply.ts';
import { repairTaughtRefusal, withLearnedQuirks, withoutStreamUsage, withReasoningEchoed } from './learned-quirks.ts';

/** Quirks per provider runtime (rebuilt on reload) and model: read once, shared read-only. */
const quirksCache = new WeakMap<ProviderRuntime, Map<string, OpenAIQuirks>>();

/**
 * The model's quirks: its preset's and the config's, and for a Claude model known to refuse the
 * sampling parameters (`isAdaptiveOnlyClaude`: OpenRouter's `anthropic/claude-opus-4.8`) those
 * dropped.
 */
function quirksOf(attempt: Attempt): OpenAIQuirks {
  let byModel = quirksCache.get(attempt.provider);
  if (!byModel) quirksCache.set(attempt.provider, (byModel = new Map()));
  let q = byModel.get(attempt.target.model);
  if (!q) {
    q = readOpenAIQuirks(modelQuirks(attempt.provider, attempt.target.model));
    if (isAdaptiveOnlyClaude(attempt.target.model)) q = { ...q, dropParams: [...q.dropParams, ...CLAUDE_REMOVED_SAMPLING] };
    if (byModel.size >= 256) byModel.clear();
    byModel.set(attempt.target.model, q);
  }
  return q;
}

/**
 * A 2xx response as it is; anything else rejects with the mapped GatewayError. Not async: a
 * `then` callback that returns a promise costs two more microtask turns on every request.
 */
function okOrThrow(res: Response): Response | Promise<never> {
  if (res.ok) return res;
  return mapOpenAIError(res).then((err) => Promise.reject(err));
}

/** POSTs a chat body; resolves with a 2xx response, throws the mapped GatewayError otherwise. */
/**
 * POSTs a body, either lane's, fitted as the model's upstream asked before: its tools
 * (`withKnownSchemaFits`), its history's call arguments (`withKnownReadableArguments`).
 */
function post(attempt: Attempt, body: Record<string, unknown>, stream: boolean): Promise<Response> {
  return attempt.fetch(chatCompletionsUrl(attempt.provider), {
    method: 'POST',
    headers: chatHeaders(attempt.provider, attempt.account, stream),
    body: JSON.stringify(withKnownReadableArguments(withKnownSchemaFits(body, attempt), attempt)),
    stream,
  }).then(okOrThrow);
}

/**
 * Fields the converter derives from settings the client gave in its own dialect, which a model
 * may not take: `reasoning_effort` from an Anthropic `thinking`, a Gemini `thinkingBudget`, a
 * Responses `reasoning.effort`. From an OpenAI Chat client it is the client's own field.
 */
const DERIVED_FIELDS = ['reasoning_effort'];

/**
 * Output limits upstreams stated in a refusal, per provider runtime (rebuilt on reload), client
 * key and model: that key's later converted requests are capped before they go, without the
 * refused round trip. Per key, because the refusal is read from the upstream's message, which
 * may quote what the client wrote (OpenAI names an unknown field: "Unrecognized request argument
 * supplied: <name>"): a client can only ever lower its own requests' limit.
 */
const statedLimits = new ProviderMemo<number>();

function statedLimitKey(attempt: Attempt, call: CallContext | undefined): string {
  return `${call?.key?.id ?? ''}\0${attempt.target.model}`;
}

/** The attempt's quirks with any output limit the upstream stated earlier (the lower one wins). */
function withStatedLimit(attempt: Attempt, call: CallContext | undefined, q: OpenAIQuirks): OpenAIQuirks {
  const stated = statedLimits.get(attempt.provider, statedLimitKey(attempt, call));
  if (stated === undefined || (q.maxOutputTokens !== undefined && q.maxOutputTokens <= stated)) return q;
  return { ...q, maxOutputTokens: stated };
}

function rememberStatedLimit(attempt: Attempt, call: CallContext | undefined, limit: number): void {
  statedLimits.set(attempt.provider, statedLimitKey(attempt, call), limit);
}

/**
 * Refusals answered by sending once more, at most this many in a row: a validator names one
 * refused field at a time, and a replayed history can hold several (`reasoning_content`,
 * `refusal`, `annotations`).
 */
const MAX_REPAIRS = 4;

/**
 * What a client's own request (the passthrough lane) may lose after the upstream refused it:
 * the `stream_options` the gateway added (`usage`: only when it did), what a refusal teaches
 * (`repairTaughtRefusal`: a message field, list content, role order, the limit's name, a
 * sampling parameter, tool call ids), a tool schema OpenAI's check refuses
 * (`repairToolSchemas`), history call arguments that are not JSON (`repairUnreadableArguments`),
 * each remembered for the model; max tokens above what the upstream states it gives
 * (`withinStatedOutput`).
 */
function passthroughRepair(e: unknown, body: Record<string, unknown>, attempt: Attempt, usage: boolean): Repair | undefined {
  return regenerateFailedCall(e, body, attempt) ?? (usage ? withoutStreamUsage(e, body, attempt) : undefined) ?? repairTaughtRefusal(e, body, attempt)
    ?? repairToolSchemas(e, body, attempt) ?? repairUnreadableArguments(e, body, attempt) ?? withinStatedOutput(e, body, attempt);
}

/** Bodies sent once more after a failed generation: a second failure goes to the pipeline. */
const regenerated = new WeakSet<object>();

/**
 * The same request once more after a generation the upstream could not use (`FAILED_GENERATION`:
 * Groq's `tool_use_failed`, a tool call its model wrote wrong): sampling fails now and then, and
 * the same request usually goes through (OpenCode on Kimi K2 at Groq failed most turns). Once
 * per request; a second failure is a retryable 502, and the pipeline tries the next target.
 */
function regenerateFailedCall(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const code = isGatewayError(e) ? e.upstream?.code : undefined;
  if (code === undefined || !FAILED_GENERATION.has(code) || regenerated.has(body)) return undefined;
  const again = { ...body };
  regenerated.add(again);
  return { body: again, note: `${upstreamOf(attempt)} could not use its model's reply (${code}); generated once more` };
}

/**
 * A client's max tokens above what the upstream states it can give (the model's output limit, or
 * the room the prompt leaves in a vLLM model's window: OpenCode and Claude Code ask for 32,000),
 * lowered to it: the client asked for up to that many. Not remembered: the room changes with the
 * prompt.
 */
function withinStatedOutput(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const stated = findStatedOutputLimit(e, body);
  if (stated === undefined) return undefined;
  const where = upstreamOf(attempt);
  return { body: { ...body, [stated.field]: stated.limit }, note: `${where} gives at most ${stated.limit} output tokens to this request; sent again with ${stated.field}: ${stated.limit}` };
}

/**
 * The body to send again after the upstream refused it (400 or 422), or undefined when the
 * refusal is not one the gateway caused and can fix:
 * - `stream_options`, which the gateway adds for its books, refused by name goes (and stays away
 *   from that model's later streams);
 * - what a refusal teaches (`repairTaughtRefusal`: a message field refused by name, the role
 *   order, the limit's name, a sampling parameter, tool call ids) is set right, and so are that
 *   model's later requests; a tool schema OpenAI's check refuses is fitted
 *   (`repairToolSchemas`: arrays given items, a tool's uncompilable patterns left out), and
 *   that model's later requests with it;
 * - tool-calling turns of the history a thinking model wants with their reasoning get an empty
 *   one (and that model's later requests echo their own, `echo_reasoning`: `withReasoningEchoed`);
 * - a derived field refused by name goes (never for an OpenAI Chat client, whose fields are its
 *   own: it gets the upstream's 400, as from OpenAI). A known model is better served by the
 *   `drop_params` quirk (no wasted round trip); this covers the ones no preset knows (custom
 *   deployments, fine-tunes);
 * - max tokens above the limit the refusal states ("This model supports at most 16384
 *   completion tokens") become that limit, remembered for the model's later requests of the same
 *   client key. A preset model's `max_output_tokens` caps them before the first call; this
 *   covers the others. Above the room the prompt leaves in a vLLM model's window ("your request
 *   has 34006 input tokens (32000 > 65536 - 34006)") they become that room, for this request only;
 * - tool descriptions longer than the limit the refusal states (1024 characters at Azure and
 *   Copilot; Claude Code's own run to thousands) are cut to it, remembered for the model;
 * - more tools than the refusal states (128 at OpenAI, Copilot and Azure; an agent with a few MCP
 *   servers sends more) are cut to that many (`withToolCountWithin` says which stay), remembered
 *   for the model.
 */
function repairRefused(e: unknown, body: Record<string, unknown>, attempt: Attempt, call: CallContext | undefined): Repair | undefined {
  const where = upstreamOf(attempt);
  const again = regenerateFailedCall(e, body, attempt);
  if (again) return again;
  // The converted lane always adds `stream_options` itself, for its books.
  const withoutUsage = withoutStreamUsage(e, body, attempt);
  if (withoutUsage) return withoutUsage;
  const taught = repairTaughtRefusal(e, body, attempt) ?? repairToolSchemas(e, body, attempt) ?? withReasoningEchoed(e, body, attempt);
  if (taught) return taught;
  if (call?.dialect !== 'openai-chat') {
    const field = findRefusedField(e, body, DERIVED_FIELDS);
    if (field !== undefined) {
      const { [field]: _refused, ...rest } = body;
      return { body: rest, note: `${where} refused ${field}; sent again without it (quirk drop_params: [${field}] saves the round trip)` };
    }
  }
  const maxDescription = statedDescriptionLimit(e);
  const tools = maxDescription === undefined ? undefined : withDescriptionsWithin(body.tools, maxDescription);
  if (tools && maxDescription !== undefined) {
    rememberToolLimit(attempt, 'description', maxDescription);
    return { body: { ...body, tools }, note: `${where} takes tool descriptions of at most ${maxDescription} characters; sent again with the longer ones cut` };
  }
  const maxTools = statedToolCount(e);
  const fitted = maxTools === undefined ? undefined : withToolCountWithin(body, maxTools);
  if (fitted && maxTools !== undefined) {
    rememberToolLimit(attempt, 'count', maxTools);
    return { body: { ...body, tools: fitted.tools }, note: `${where} takes at most ${maxTools} tools; sent again, and its later turns go, without ${fitted.left.length}: ${fitted.left.join(', ')}` };
  }
  const stated = findStatedOutputLimit(e, body);
  if (stated === undefined) return undefined;
  if (stated.room) {
    return { body: { ...body, [stated.field]: stated.limit }, note: `${where} has room for ${stated.limit} output tokens beside this prompt; sent again with ${stated.field}: ${stated.limit}` };
  }
  rememberStatedLimit(attempt, call, stated.limit);
  return {
    body: { ...body, [stated.field]: stated.limit },
    note: `${where} takes at most ${stated.limit} output tokens; sent again with ${stated.field}: ${stated.limit} (quirk max_output_tokens: ${stated.limit} saves the round trip)`,
  };
}

/**
 * POSTs a converted body. When the upstream refuses what only the translation to this target
 * made wrong (see `repairRefused`), the body goes once more, fixed: failing over it would be the
 * gateway's fault. At most `MAX_REPAIRS` more calls per attempt.
 */
function postConverted(attempt: Attempt, body: Record<string, unknown>, stream: boolean, call: CallContext | undefined): Promise<Response> {
  return sendRepaired((b) => post(attempt, b, stream), body, (e, b) => {
    const repair = repairRefused(e, b, attempt, call);
    if (repair) call?.log?.info(repair.note);
    return repair?.body;
  }, MAX_REPAIRS);
}

/**
 * The converted lane's body: tool names already fitted by the caller, max tokens capped to the
 * model's limit (preset, or stated earlier by the upstream to this client key), tools fitted to
 * the limits the upstream stated earlier for the model (how many, descriptions' length), and JSON mode's
 * word said (`withJsonWord`) for clients of other dialects.
 */
function convertConverted(req: ChatRequest, attempt: Attempt, call: CallContext | undefined, q: OpenAIQuirks): Record<string, unknown> {
  const official = isOfficialOpenAI(attempt.provider);
  const converted = convertToOpenAIChatRequest(req, { model: attempt.target.model, quirks: withStatedLimit(attempt, call, q), official });
  // JSON mode wants the word "json" in the conversation; an OpenAI Chat client's messages are its own.
  const body = call?.dialect === 'openai-chat' ? converted : withJsonWord(converted);
  return withKnownToolLimits(body, attempt);
}

/** True when the request's JSON schema went out wrapped as `{value: …}` (root not an object). */
function wrapsJsonValue(req: ChatRequest): boolean {
  const f = req.responseFormat;
  return f?.type === 'json_schema' && needsValueWrap(f.schema);
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('application/json');
}

/** A reply's text as JSON; not JSON is a retryable protocol error. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream sent invalid JSON.', { retryable: true });
  }
}

/** How the reply to `req` is read: with its tools when the model may write calls as text. */
function replyOptions(q: OpenAIQuirks, req: ChatRequest): OpenAIResponseOptions {
  return q.textToolCalls && req.tools?.length ? { ...q, textTools: req.tools } : q;
}

/** The passthrough stream's byte filter: the injected usage chunk dropped, tool calls normalized. */
function passthroughFilter(dropUsage: boolean, normalize: boolean): (() => ByteFilter) | undefined {
  if (dropUsage && normalize) return () => chainFilters(createUsageFrameFilter(), createToolCallFilter());
  return dropUsage ? createUsageFrameFilter : normalize ? createToolCallFilter : undefined;
}

/** A whole JSON reply with its tool calls normalized (`normalize_tool_calls`), status and headers kept. */
async function withNormalToolCalls(res: Response): Promise<Response> {
  const bytes = normalizeReplyBody(new Uint8Array(await res.arrayBuffer()));
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: res.status, statusText: res.statusText, headers });
}

/**
 * The adapter for every OpenAI-compatible upstream (`type: openai` / `openai-compatible`):
 * OpenAI itself and the presets that speak its wire format, with per-model quirks.
 * Its native dialect is `openai-chat`, which enables the passthrough lane.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function createOpenAICompatibleAdapter(id: string): ProviderAdapter {
  return {
    id,
    nativeDialect: 'openai-chat',
    operations: createOpenAIOperations(),
    chat: {
      async generate(req, attempt, call) {
        const q = withLearnedQuirks(attempt, quirksOf(attempt));
        const names = mapToolNames(req, OPENAI_TOOL_NAMES);
        const sent = names?.request ?? req;
        const body = convertConverted({ ...sent, stream: false }, attempt, call, q);
        const res = await postConverted(attempt, body, false, call);
        const result = mapOpenAIChatResponse(parseJson(await res.text()), replyOptions(q, sent));
        const reply = wrapsJsonValue(req) ? unwrapResultText(result) : result;
        return names ? names.restoreResult(reply) : reply;
      },
      async stream(req, attempt, call) {
        const q = withLearnedQuirks(attempt, quirksOf(attempt));
        const names = mapToolNames(req, OPENAI_TOOL_NAMES);
        const sent = names?.request ?? req;
        const body = convertConverted({ ...sent, stream: true }, attempt, call, q);
        const res = await postConverted(attempt, body, true, call);
        const wrapped = wrapsJsonValue(req);
        const opts = replyOptions(q, sent);
        // Some servers ignore `stream: true` and answer one JSON body; serve it as a stream.
        if (isJson(res) || !res.body) {
          const result = mapOpenAIChatResponse(await readReplyJson(res, attempt.provider.name), opts);
          const reply = wrapped ? unwrapResultText(result) : result;
          return streamOf(resultToParts(names ? names.restoreResult(reply) : reply));
        }
        const parts = partsFromBody(res.body, createOpenAIChatStreamParser(opts), 'upstream');
        const unwrapped = wrapped ? unwrapTextParts(parts) : parts;
        return names ? names.restoreStream(unwrapped) : unwrapped;
      },
      passthrough(body, attempt, call): Promise<PassthroughReply | undefined> {
        const q = withLearnedQuirks(attempt, quirksOf(attempt));
        // Tool calls the model may write as text are read back in the hub: made converted.
        if (q.textToolCalls && Array.isArray(body.tools) && body.tools.length > 0) return Promise.resolve(undefined);
        const stream = body.stream === true;
        let injected = false;
        const clientSent = body.stream_options !== undefined;
        if (stream && !q.noStreamUsage) {
          const so = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as Record<string, unknown>) : {};
          injected = so.include_usage === undefined || so.include_usage === false;
          if (injected) body.stream_options = { ...so, include_usage: true };
        }
        // Only OpenAI's own API knows the `developer` role (DeepSeek, Mistral, DeepInfra, vLLM's
        // templates refuse it); elsewhere it goes as `system`, as the converted lane sends it.
        if (!isOfficialOpenAI(attempt.provider)) developerAsSystem(body);
        applyOpenAIQuirks(body, q);
        // What the upstream refuses that can be set right without changing the request's meaning
        // (`passthroughRepair`) is, and the request is sent once more. A catch, not an await: no
        // promise hop when it went.
        const retry = (e: unknown, refused: Record<string, unknown>, left: number): Promise<Response> => {
          const repair = left > 0 ? passthroughRepair(e, refused, attempt, injected && !clientSent) : undefined;
          if (!repair) throw e;
          if (repair.body.stream_options === undefined) injected = false;
          call?.log?.info(repair.note);
          return post(attempt, repair.body, stream).catch((next: unknown) => retry(next, repair.body, left - 1));
        };
        const sent = post(attempt, body, stream).catch((e: unknown) => retry(e, body, MAX_REPAIRS));
        return sent.then((response): PassthroughReply | Promise<PassthroughReply> => {
          const json = isJson(response);
          const parser = stream && !json ? createOpenAIChatStreamParser(q) : createOpenAIChatJsonParser(q);
          // The parser reads usage from the stream; the client gets it only if it asked.
          const createFilter = json ? undefined : passthroughFilter(injected, q.normalizeToolCalls);
          const reply = (res: Response): PassthroughReply => (createFilter ? { response: res, parser, createFilter } : { response: res, parser });
          // A whole JSON reply is rewritten only with the quirk: no extra promise hop otherwise.
          return q.normalizeToolCalls && (json || !response.body) ? withNormalToolCalls(response).then(reply) : reply(response);
        });
      },
    },
    async listModels(provider) {
      return provider.models;
    },
    preview(req, provider) {
      const quirks = readOpenAIQuirks(modelQuirks(provider, req.model));
      const named = mapToolNames(req, OPENAI_TOOL_NAMES)?.request ?? req;
      const body = convertToOpenAIChatRequest(named, { model: req.model, quirks, official: isOfficialOpenAI(provider) });
      const headers = Object.fromEntries(buildOpenAIHeaders(provider, provider.accounts[0], req.stream));
      return { url: chatCompletionsUrl(provider), method: 'POST', headers, body };
    },
  };
}
