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
import { mapOpenAIError } from './map-openai-error.ts';
import { applyOpenAIQuirks, developerAsSystem, messagesWithout, readOpenAIQuirks, textListsAsStrings, withRoleOrder, type OpenAIQuirks, type RoleOrderQuirk } from './openai-quirks.ts';
import { createOpenAIOperations } from './openai-operations.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import { streamOf } from '../../../core/util/stream-of.ts';
import { findRefusedMessageField, findRoleOrderRule, refusedTokenField, refusesListContent } from './find-refused-field.ts';
import { findRefusedField, refusedSamplingField, SAMPLING_FIELDS } from '../../../core/util/refused-fields.ts';
import { findStatedOutputLimit } from '../../../core/util/output-token-limit.ts';
import { mapToolNames, OPENAI_TOOL_NAMES } from '../../../core/util/map-tool-names.ts';
import { needsValueWrap } from '../../../core/util/unwrap-json-value.ts';
import { sendRepaired } from '../../../core/util/send-repaired.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { isAdaptiveOnlyClaude } from '../../../core/util/claude-models.ts';
import { repairToolSchemas, withKnownSchemaFits } from '../../../core/util/openai-tool-schemas.ts';
import { repairUnreadableArguments, withKnownReadableArguments } from '../../../core/util/readable-arguments.ts';
import { unwrapResultText, unwrapTextParts } from './unwrap-json-value-reply.ts';
import { mapToolCallIds, statedToolCallIdRule } from './map-tool-call-ids.ts';

/** Quirks per provider runtime (rebuilt on reload) and model: read once, shared read-only. */
const quirksCache = new WeakMap<ProviderRuntime, Map<string, OpenAIQuirks>>();

/** What Claude Opus 4.7 and later refuse wherever they are served ("temperature is deprecated for this model."). */
const REMOVED_SAMPLING = ['temperature', 'top_p', 'top_k'];

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
    if (isAdaptiveOnlyClaude(attempt.target.model)) q = { ...q, dropParams: [...q.dropParams, ...REMOVED_SAMPLING] };
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
 * What each model's upstream taught (per provider runtime, rebuilt on reload), as a patch over
 * its quirks that its later requests go with, without the refused round trip. Each repair below
 * adds what its refusal said:
 * - `noStreamUsage`: the `stream_options.include_usage` the gateway adds for its books refused
 *   ("Unknown parameter: stream_options", older Ollama, some proxies; usage is then estimated);
 * - `echoReasoning`: the reasoning of the history's tool-calling turns asked back (Kimi's
 *   "thinking is enabled but reasoning_content is missing in assistant tool call message",
 *   DeepSeek's "Missing `reasoning_content` field" and, for V4, "The `reasoning_content` in the
 *   thinking mode must be passed back to the API");
 * - `dropMessageFields`: message fields refused by name (`findRefusedMessageField`), which a
 *   client replays on every turn;
 * - `stringContent`: content given as a list of parts refused (`refusesListContent`);
 * - the role-order quirks (`findRoleOrderRule`);
 * - `maxTokensField`: the name the output-token limit goes under, the other refused
 *   (`refusedTokenField`);
 * - `toolCallIds`: the rule for tool call ids a refusal states (`statedToolCallIdRule`);
 * - `dropParams`: sampling parameters refused (`refusedSamplingField`).
 */
const learnedQuirks = new ProviderMemo<Partial<OpenAIQuirks>>();

/** Adds to what the attempt's model's upstream taught what `merge` makes of what it knew. */
function learn(attempt: Attempt, merge: (known: Partial<OpenAIQuirks>) => Partial<OpenAIQuirks>): void {
  const known = learnedQuirks.get(attempt.provider, attempt.target.model) ?? {};
  learnedQuirks.set(attempt.provider, attempt.target.model, { ...known, ...merge(known) });
}

/** The attempt's quirks with what its upstream taught before (`learnedQuirks`): lists joined, the rest replaced. */
function withLearnedQuirks(attempt: Attempt, q: OpenAIQuirks): OpenAIQuirks {
  const learned = learnedQuirks.get(attempt.provider, attempt.target.model);
  if (!learned) return q;
  const out = { ...q, ...learned };
  if (learned.dropParams) out.dropParams = [...q.dropParams, ...learned.dropParams];
  if (learned.dropMessageFields && q.dropMessageFields) out.dropMessageFields = new Set([...q.dropMessageFields, ...learned.dropMessageFields]);
  return out;
}

/**
 * The body without the message field the upstream refused by name (remembered for the model:
 * its later requests go without it), or undefined for any other error. For either lane: the
 * field is one the upstream will not read, in a history the client replays.
 */
function withoutRefusedMessageField(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const field = findRefusedMessageField(e, body);
  if (field === undefined) return undefined;
  learn(attempt, (known) => ({ dropMessageFields: new Set([...(known.dropMessageFields ?? []), field]) }));
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return {
    body: { ...body, messages: messagesWithout(body.messages, new Set([field])) },
    note: `${where} refused the messages' ${field}; sent again without it, as the model's later requests go (quirk drop_message_fields: [${field}] saves the round trip)`,
  };
}

/**
 * The body with its text-only content lists as strings when the upstream refused a list where it
 * reads a string (remembered for the model), or undefined for any other error. A list that holds
 * an image stays: such a server cannot read it either way.
 */
function withStringContent(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  if (!refusesListContent(e, body)) return undefined;
  const messages = textListsAsStrings(body.messages);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ stringContent: true }));
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: { ...body, messages }, note: `${where} takes a message's content as a string only; sent again with text parts joined, as the model's later requests go (quirk string_content saves the round trip)` };
}

/** The quirk's name in the config, for the log. */
const ROLE_ORDER_NAMES: Readonly<Record<RoleOrderQuirk, string>> = {
  systemAsUser: 'system_as_user', strictAlternation: 'strict_alternation', assistantAfterTool: 'assistant_after_tool',
};

/**
 * The body with its messages in the order the upstream's refusal states (the system prompt folded
 * into the first user turn, neighbours of one role merged, an assistant line between tool results
 * and a user turn), remembered for the model; undefined for any other error, or when the order
 * was already kept.
 */
function withStatedRoleOrder(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const rule = findRoleOrderRule(e);
  if (rule === undefined) return undefined;
  const messages = withRoleOrder(body.messages, rule);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ [rule]: true }));
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: { ...body, messages }, note: `${where} refused the order of the messages' roles; sent again in the order it takes, as the model's later requests go (quirk ${ROLE_ORDER_NAMES[rule]} saves the round trip)` };
}

/**
 * The body with its output-token limit under the name the upstream takes, when it refused the
 * other by name (remembered for the model), or undefined for any other error.
 */
function withTokenFieldTaken(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const field = refusedTokenField(e, body);
  if (field === undefined) return undefined;
  const refused = field === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
  learn(attempt, () => ({ maxTokensField: field }));
  const { [refused]: limit, ...rest } = body;
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: { ...rest, [field]: limit }, note: `${where} refused ${refused}; sent again as ${field}, as the model's later requests go (quirk max_tokens_field: ${field} saves the round trip)` };
}

/**
 * The body with the history's tool call ids fitted to the rule the upstream's refusal states
 * (`statedToolCallIdRule`; remembered for the model), or undefined for any other error or when
 * no id changes. Ids other providers made (Claude Code's `toolu_…`) reach a Mistral model served
 * where no preset knows it.
 */
function withStatedToolCallIds(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  if (!isGatewayError(e) || e.upstream?.status !== 400 || !Array.isArray(body.messages)) return undefined;
  const rule = statedToolCallIdRule(e.upstream.message ?? e.message);
  if (!rule) return undefined;
  const messages = mapToolCallIds(body.messages, rule);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ toolCallIds: rule }));
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: { ...body, messages }, note: `${where} refused the history's tool call ids; sent again with ids it takes, as the model's later requests go (quirk tool_call_ids saves the round trip)` };
}

/**
 * The body without the sampling parameter the upstream refused (remembered for the model), or
 * undefined for any other error: a model that takes only its defaults answers with them, as it
 * would have had the client left the parameter out. For either lane, the client's own too: a
 * combo's next target may be such a model, and the hint is not worth a failed turn.
 */
function withoutRefusedSampling(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const field = refusedSamplingField(e, body);
  if (field === undefined) return undefined;
  learn(attempt, (known) => ({ dropParams: [...(known.dropParams ?? []), field] }));
  const { [field]: _refused, ...rest } = body;
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: rest, note: `${where} refused ${field}; sent again without it, as the model's later requests go (quirk drop_params: [${field}] saves the round trip)` };
}

/** A sampling parameter in the body: one the upstream may refuse. */
function hasSampling(body: Record<string, unknown>): boolean {
  for (const f of SAMPLING_FIELDS) if (body[f] !== undefined) return true;
  return false;
}

/** True (and remembered for the model) when the upstream refused tool-calling turns sent without their reasoning. */
function missedReasoning(e: unknown, body: Record<string, unknown>, attempt: Attempt): boolean {
  if (!isGatewayError(e) || e.upstream?.status !== 400) return false;
  const message = e.upstream.message ?? e.message;
  if (!/reasoning_content/.test(message) || !/missing|must be passed back/i.test(message) || !hasBareCallTurn(body)) return false;
  learn(attempt, () => ({ echoReasoning: true }));
  return true;
}

/** An assistant message that made tool calls and carries no `reasoning_content`. */
function isBareCallTurn(m: unknown): boolean {
  const msg = m as { role?: unknown; tool_calls?: unknown; reasoning_content?: unknown };
  return msg?.role === 'assistant' && Array.isArray(msg.tool_calls) && typeof msg.reasoning_content !== 'string';
}

function hasBareCallTurn(body: Record<string, unknown>): boolean {
  return Array.isArray(body.messages) && body.messages.some(isBareCallTurn);
}

/**
 * Refusals answered by sending once more, at most this many in a row: a validator names one
 * refused field at a time, and a replayed history can hold several (`reasoning_content`,
 * `refusal`, `annotations`).
 */
const MAX_REPAIRS = 4;

/**
 * What a client's own request (the passthrough lane) may lose after the upstream refused it:
 * the `stream_options` the gateway added (`usage`: only when it did), a message field refused
 * by name, text parts joined for a server that reads content as a string only, messages put in
 * the role order the upstream states (`withStatedRoleOrder`), the output-token limit under the
 * name the upstream takes (`withTokenFieldTaken`), a sampling parameter the model takes only at
 * its default (`withoutRefusedSampling`), tool call ids fitted to a stated rule
 * (`withStatedToolCallIds`), a tool schema OpenAI's check
 * refuses (`repairToolSchemas`), history call arguments that are not JSON
 * (`repairUnreadableArguments`), each remembered for the model; max tokens above what the
 * upstream states it gives (`withinStatedOutput`).
 */
function passthroughRepair(e: unknown, body: Record<string, unknown>, attempt: Attempt, usage: boolean): Repair | undefined {
  return (usage ? withoutStreamUsage(e, body, attempt) : undefined) ?? withoutRefusedMessageField(e, body, attempt)
    ?? withStringContent(e, body, attempt) ?? withStatedRoleOrder(e, body, attempt) ?? withTokenFieldTaken(e, body, attempt)
    ?? withoutRefusedSampling(e, body, attempt) ?? withStatedToolCallIds(e, body, attempt) ?? repairToolSchemas(e, body, attempt)
    ?? repairUnreadableArguments(e, body, attempt) ?? withinStatedOutput(e, body, attempt);
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
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: { ...body, [stated.field]: stated.limit }, note: `${where} gives at most ${stated.limit} output tokens to this request; sent again with ${stated.field}: ${stated.limit}` };
}

/** More than one message: a history a client replays (and an upstream may refuse a field of). */
function hasHistory(body: Record<string, unknown>): boolean {
  return Array.isArray(body.messages) && body.messages.length > 1;
}

/** A refused converted body fixed for one more try, and what to log about it. */
interface Repair {
  body: Record<string, unknown>;
  note: string;
}

/**
 * The body without `stream_options` when the upstream refused it by name (remembered for the
 * model: its later streams go without), or undefined. Callers send it only where the gateway
 * added the field itself; the client's own fields are never dropped.
 */
function withoutStreamUsage(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  if (findRefusedField(e, body, ['stream_options']) === undefined) return undefined;
  learn(attempt, () => ({ noStreamUsage: true }));
  const { stream_options: _refused, ...rest } = body;
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  return { body: rest, note: `${where} refused stream_options; sent again without it, usage of its streams is estimated (quirk no_stream_usage saves the round trip)` };
}

/**
 * The body to send again after the upstream refused it (400 or 422), or undefined when the
 * refusal is not one the gateway caused and can fix:
 * - `stream_options`, which the gateway adds for its books, refused by name goes (and stays away
 *   from that model's later streams);
 * - a message field refused by name (`withoutRefusedMessageField`) goes from every message (and
 *   from that model's later requests); a tool schema OpenAI's check refuses is fitted
 *   (`repairToolSchemas`: arrays given items, a tool's uncompilable patterns left out), and
 *   that model's later requests with it;
 * - messages are put in the role order a refusal states (`withStatedRoleOrder`), and the model's
 *   later requests too; so is the output-token limit's name (`withTokenFieldTaken`); a sampling
 *   parameter the model takes only at its default goes (`withoutRefusedSampling`); tool call ids
 *   are fitted to a stated rule (`withStatedToolCallIds`);
 * - tool-calling turns of the history a thinking model wants with their reasoning get an empty
 *   one (and that model's later requests echo their own, `echo_reasoning`);
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
  const where = `upstream ${attempt.provider.name} (${attempt.target.model})`;
  // The converted lane always adds `stream_options` itself, for its books.
  const withoutUsage = withoutStreamUsage(e, body, attempt);
  if (withoutUsage) return withoutUsage;
  const withoutField = withoutRefusedMessageField(e, body, attempt) ?? withStatedRoleOrder(e, body, attempt)
    ?? withTokenFieldTaken(e, body, attempt) ?? withoutRefusedSampling(e, body, attempt) ?? withStatedToolCallIds(e, body, attempt)
    ?? repairToolSchemas(e, body, attempt);
  if (withoutField) return withoutField;
  // Its reasoning is not at hand here: the refused turns get an empty one, later requests their own.
  if (missedReasoning(e, body, attempt)) {
    const messages = (body.messages as unknown[]).map((m) => (isBareCallTurn(m) ? { ...(m as object), reasoning_content: '' } : m));
    return { body: { ...body, messages }, note: `${where} wants the reasoning of tool-calling turns back; sent again with it (quirk echo_reasoning saves the round trip)` };
  }
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
        // What the upstream refuses by name that can go without changing the request's meaning
        // (`passthroughRepair`) goes, and the request is sent once more. A catch, not an await:
        // no promise hop when it went, nor any catch without a reason for one.
        let sent = post(attempt, body, stream);
        if ((injected && !clientSent) || Array.isArray(body.tools) || hasHistory(body) || hasSampling(body)) {
          const retry = (e: unknown, refused: Record<string, unknown>, left: number): Promise<Response> => {
            const repair = left > 0 ? passthroughRepair(e, refused, attempt, injected && !clientSent) : undefined;
            if (!repair) throw e;
            if (repair.body.stream_options === undefined) injected = false;
            call?.log?.info(repair.note);
            return post(attempt, repair.body, stream).catch((next: unknown) => retry(next, repair.body, left - 1));
          };
          sent = sent.catch((e: unknown) => retry(e, body, MAX_REPAIRS));
        }
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
