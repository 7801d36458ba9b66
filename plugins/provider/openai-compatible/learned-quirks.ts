import type { Attempt } from '../../../core/plugin/types.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { upstreamOf, type Repair } from '../../../core/util/send-repaired.ts';
import { findRefusedField, refusal, refusedSamplingField } from '../../../core/util/refused-fields.ts';
import { EFFORTS, fitReasoningEffort, statedEfforts } from '../../../core/util/reasoning-effort.ts';
import type { ReasoningEffort } from '../../../core/types/hub.ts';
import { findRefusedMessageField, findRoleOrderRule, refusedTokenField, refusesListContent, statedEmptyContent } from './find-refused-field.ts';
import { mapToolCallIds, statedToolCallIdRule } from './map-tool-call-ids.ts';
import { messagesWithout, textListsAsStrings, withEmptyContent, withRoleOrder, withSignedToolCalls, type OpenAIQuirks, type RoleOrderQuirk } from './openai-quirks.ts';

/**
 * What OpenAI-compatible upstreams teach by refusing a request: each repair below sets the
 * refused body right for one more try and remembers what it learned for the model, as a patch
 * over its quirks (`withLearnedQuirks`) that its later requests go with.
 */

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
 * - `emptyContent`: what a turn without text carries, the other form refused (`statedEmptyContent`);
 * - the role-order quirks (`findRoleOrderRule`);
 * - `maxTokensField`: the name the output-token limit goes under, the other refused
 *   (`refusedTokenField`);
 * - `toolCallIds`: the rule for tool call ids a refusal states (`statedToolCallIdRule`);
 * - `reasoningEfforts`: the efforts a refusal lists as the model's (`statedEfforts`);
 * - `dropParams`: sampling parameters refused (`refusedSamplingField`);
 * - `signToolCalls`: the history's tool calls wanted with a thought signature (`withSignedCalls`).
 */
const learnedQuirks = new ProviderMemo<Partial<OpenAIQuirks>>();

/** Adds to what the attempt's model's upstream taught what `merge` makes of what it knew. */
function learn(attempt: Attempt, merge: (known: Partial<OpenAIQuirks>) => Partial<OpenAIQuirks>): void {
  const known = learnedQuirks.get(attempt.provider, attempt.target.model) ?? {};
  learnedQuirks.set(attempt.provider, attempt.target.model, { ...known, ...merge(known) });
}

/** The attempt's quirks with what its upstream taught before (`learnedQuirks`): lists joined, the rest replaced. */
export function withLearnedQuirks(attempt: Attempt, q: OpenAIQuirks): OpenAIQuirks {
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
  const where = upstreamOf(attempt);
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
  const where = upstreamOf(attempt);
  return { body: { ...body, messages }, note: `${where} takes a message's content as a string only; sent again with text parts joined, as the model's later requests go (quirk string_content saves the round trip)` };
}

/**
 * The body with its assistant turns without text carrying the content the upstream takes (""
 * where it refused null, null where it refused ""), remembered for the model; undefined for any
 * other error.
 */
function withStatedEmptyContent(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const empty = statedEmptyContent(e, body);
  if (empty === undefined) return undefined;
  const messages = withEmptyContent(body.messages, empty);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ emptyContent: empty }));
  const where = upstreamOf(attempt);
  const shown = empty === null ? 'null' : '""';
  return { body: { ...body, messages }, note: `${where} takes ${shown} as the content of a turn without text; sent again so, as the model's later requests go (quirk empty_content: ${shown} saves the round trip)` };
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
  const where = upstreamOf(attempt);
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
  const where = upstreamOf(attempt);
  return { body: { ...rest, [field]: limit }, note: `${where} refused ${refused}; sent again as ${field}, as the model's later requests go (quirk max_tokens_field: ${field} saves the round trip)` };
}

/**
 * The body with the history's tool call ids fitted to the rule the upstream's refusal states
 * (`statedToolCallIdRule`; remembered for the model), or undefined for any other error or when
 * no id changes. Ids other providers made (Claude Code's `toolu_…`) reach a Mistral model served
 * where no preset knows it.
 */
function withStatedToolCallIds(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const message = refusal(e)?.message;
  if (message === undefined || !Array.isArray(body.messages)) return undefined;
  const rule = statedToolCallIdRule(message);
  if (!rule) return undefined;
  const messages = mapToolCallIds(body.messages, rule);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ toolCallIds: rule }));
  const where = upstreamOf(attempt);
  return { body: { ...body, messages }, note: `${where} refused the history's tool call ids; sent again with ids it takes, as the model's later requests go (quirk tool_call_ids saves the round trip)` };
}

/**
 * The body with its `reasoning_effort` fitted to the efforts the upstream's refusal lists as the
 * model's (the nearest one up, else the highest: `fitReasoningEffort`; none when only `none`
 * is), remembered for the model; undefined for any other error. Claude Code's `max` reaches an
 * OpenAI model as `xhigh`, which models before it refuse.
 */
function withStatedEfforts(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const effort = body.reasoning_effort;
  if (typeof effort !== 'string' || !(EFFORTS as readonly string[]).includes(effort)) return undefined;
  const allowed = statedEfforts(e);
  if (!allowed || allowed.includes(effort as ReasoningEffort)) return undefined;
  learn(attempt, () => ({ reasoningEfforts: allowed }));
  const fitted = fitReasoningEffort(effort as ReasoningEffort, allowed);
  const { reasoning_effort: _refused, ...rest } = body;
  const where = upstreamOf(attempt);
  return {
    body: fitted ? { ...rest, reasoning_effort: fitted } : rest,
    note: `${where} takes reasoning_effort ${allowed.join(', ')}; sent again with ${fitted ?? 'none'} for ${effort}, as the model's later requests go (quirk reasoning_efforts saves the round trip)`,
  };
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
  const where = upstreamOf(attempt);
  return { body: rest, note: `${where} refused ${field}; sent again without it, as the model's later requests go (quirk drop_params: [${field}] saves the round trip)` };
}

/**
 * The body with an empty reasoning on its tool-calling turns when the upstream refused them sent
 * without (remembered for the model: its later requests echo their own, `echo_reasoning`), or
 * undefined. The converted lane's: the reasoning is not at hand here.
 */
export function withReasoningEchoed(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const message = refusal(e)?.message;
  if (message === undefined || !/reasoning_content/.test(message) || !/missing|must be passed back/i.test(message) || !hasBareCallTurn(body)) return undefined;
  learn(attempt, () => ({ echoReasoning: true }));
  const messages = (body.messages as unknown[]).map((m) => (isBareCallTurn(m) ? { ...(m as object), reasoning_content: '' } : m));
  const where = upstreamOf(attempt);
  return { body: { ...body, messages }, note: `${where} wants the reasoning of tool-calling turns back; sent again with it (quirk echo_reasoning saves the round trip)` };
}

/** An assistant message that made tool calls and carries no `reasoning_content`. */
function isBareCallTurn(m: unknown): boolean {
  const msg = m as { role?: unknown; tool_calls?: unknown; reasoning_content?: unknown };
  return msg?.role === 'assistant' && Array.isArray(msg.tool_calls) && typeof msg.reasoning_content !== 'string';
}

function hasBareCallTurn(body: Record<string, unknown>): boolean {
  return Array.isArray(body.messages) && body.messages.some(isBareCallTurn);
}

/** Gemini 3 behind an OpenAI-compatible endpoint, on a history whose tool calls carry no thought signature. */
const MISSING_SIGNATURE = /missing a thought_signature/i;

/**
 * The body with a thought signature on each of the history's tool calls (`withSignedToolCalls`)
 * when the upstream refused them without ("Function call is missing a thought_signature in
 * functionCall parts": Google's OpenAI-compatible endpoint, a proxy in front of Gemini 3),
 * remembered for the model (`sign_tool_calls`); undefined for any other error. For either lane:
 * an OpenAI client keeps no signature, and the converted lane has none for calls another model
 * made.
 */
function withSignedCalls(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  const message = refusal(e)?.message;
  if (message === undefined || !MISSING_SIGNATURE.test(message) || !Array.isArray(body.messages)) return undefined;
  const messages = withSignedToolCalls(body.messages);
  if (messages === body.messages) return undefined;
  learn(attempt, () => ({ signToolCalls: true }));
  const where = upstreamOf(attempt);
  return { body: { ...body, messages }, note: `${where} wants a thought signature on each tool call of the history; sent again with Google's placeholder where the client kept none (quirk sign_tool_calls saves the round trip)` };
}

/**
 * The body without `stream_options` when the upstream refused it by name (remembered for the
 * model: its later streams go without), or undefined. Callers send it only where the gateway
 * added the field itself; the client's own fields are never dropped.
 */
export function withoutStreamUsage(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  if (findRefusedField(e, body, ['stream_options']) === undefined) return undefined;
  learn(attempt, () => ({ noStreamUsage: true }));
  const { stream_options: _refused, ...rest } = body;
  const where = upstreamOf(attempt);
  return { body: rest, note: `${where} refused stream_options; sent again without it, usage of its streams is estimated (quirk no_stream_usage saves the round trip)` };
}

/**
 * The body set right after a refusal that teaches the model's quirks, in this order, or
 * undefined: a message field refused by name goes from every message
 * (`withoutRefusedMessageField`); text parts are joined for a server that reads content as a
 * string only (`withStringContent`); a turn without text carries the content the server takes
 * (`withStatedEmptyContent`); messages go in the role order the refusal states
 * (`withStatedRoleOrder`); the output-token limit under the name the upstream takes
 * (`withTokenFieldTaken`); the reasoning effort fitted to the ones the model takes
 * (`withStatedEfforts`); a sampling parameter the model takes only at its default goes
 * (`withoutRefusedSampling`); tool call ids are fitted to a stated rule (`withStatedToolCallIds`);
 * tool calls get a thought signature (`withSignedCalls`). Each is remembered for the model
 * (`learnedQuirks`). For either lane.
 */
export function repairTaughtRefusal(e: unknown, body: Record<string, unknown>, attempt: Attempt): Repair | undefined {
  return withoutRefusedMessageField(e, body, attempt) ?? withStringContent(e, body, attempt) ?? withStatedEmptyContent(e, body, attempt)
    ?? withStatedRoleOrder(e, body, attempt) ?? withTokenFieldTaken(e, body, attempt) ?? withStatedEfforts(e, body, attempt)
    ?? withoutRefusedSampling(e, body, attempt) ?? withStatedToolCallIds(e, body, attempt) ?? withSignedCalls(e, body, attempt);
}
