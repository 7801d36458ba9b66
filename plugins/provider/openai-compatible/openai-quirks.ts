import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import type { ReasoningEffort } from '../../../core/types/hub.ts';
import { EFFORTS, fitReasoningEffort } from '../../../core/util/reasoning-effort.ts';
import { ALNUM9_IDS, mapToolCallIds, MAX40_IDS, type ToolCallIdRule } from './map-tool-call-ids.ts';

/**
 * Wire quirks of OpenAI-compatible upstreams (vocabulary in config/presets/providers.yaml).
 * They are applied to the OpenAI wire JSON, after conversion, so the converted lane and the
 * passthrough lane (the client's own body) get exactly the same treatment; `maxOutputTokens`
 * alone is read by the converter only (the passthrough body stays the client's).
 */
export interface OpenAIQuirks {
  /** Fold system/developer messages into the first user turn. */
  systemAsUser: boolean;
  /** Never send `stream_options.include_usage`. */
  noStreamUsage: boolean;
  /** Name of the output-token limit field; `max_tokens` when unset. */
  maxTokensField?: string;
  /** Top-level request fields to remove. */
  dropParams: string[];
  /**
   * The top-level request fields the upstream takes; any other is removed. For a validator that
   * refuses what it does not define (Mistral: 422 `extra_forbidden`), where a list of what to
   * drop could never be complete: clients send `store`, `service_tier`, `verbosity`…
   */
  allowedParams?: ReadonlySet<string>;
  /**
   * The message fields the upstream takes, by role; a message of a role listed keeps only those.
   * Clients replay the assistant messages they got (`reasoning_content`, `refusal`,
   * `annotations`), which such a validator refuses in the history.
   */
  allowedMessageFields?: Readonly<Record<string, ReadonlySet<string>>>;
  /**
   * Message fields the upstream takes under another name (Cerebras: the reasoning a client
   * replays as `reasoning_content` goes back as its own `reasoning`), moved before
   * `allowedMessageFields` applies; a message that has both keeps its own.
   */
  renameMessageFields?: ReadonlyArray<readonly [from: string, to: string]>;
  /**
   * Message fields removed from every message: ones the upstream refused by name in a replayed
   * history (learned at run time, see `findRefusedMessageField`), or configured.
   */
  dropMessageFields?: ReadonlySet<string>;
  /**
   * OpenRouter's `reasoning_details` read from a reply go back on the assistant message of the
   * history (`reasoning-details.ts`); Gemini 3 calls without them get Google's placeholder.
   */
  reasoningDetails: boolean;
  /**
   * Content that is a list of text parts goes as one string (the converted lane's form): DeepSeek
   * and SambaNova refuse a list ("invalid type: sequence, expected a string"), which Cline, Roo
   * and Qwen Code send on the passthrough lane. Content with an image stays a list.
   */
  stringContent: boolean;
  /**
   * Fields a request that is not streamed gets unless the client set them (DashScope's Qwen3
   * models think by default and refuse that unstreamed: "parameter.enable_thinking must be set to
   * false for non-streaming calls").
   */
  nonStreamDefaults?: Readonly<Record<string, unknown>>;
  /**
   * JSON mode (`response_format: {type: json_object}`) goes as a JSON schema that takes any
   * object: LM Studio answers 400 "'response_format.type' must be 'json_schema' or 'text'".
   */
  jsonObjectAsSchema: boolean;
  /** Extra delta/message field that carries reasoning text. */
  reasoningField?: string;
  /** Clamp `temperature` to this maximum. */
  maxTemperature?: number;
  /** Merge neighbouring messages of the same role (user/assistant). */
  strictAlternation: boolean;
  /** The model writes its reasoning inline as `<think>…</think>`. */
  thinkTags: boolean;
  /**
   * Send the reasoning of the current turn's tool-calling assistant messages back in
   * `reasoningField`: DeepSeek and Kimi thinking models refuse a tool loop without it.
   */
  echoReasoning: boolean;
  /** The model's output-token limit (`max_output_tokens`): the converted request's max tokens are capped to it. */
  maxOutputTokens?: number;
  /** The tool call ids the upstream takes (Mistral: exactly 9 letters or digits; OpenAI: at most 40 characters): others are replaced, see `mapToolCallIds`. */
  toolCallIds?: ToolCallIdRule;
  /** A user message may not follow tool results (Mistral): an assistant message goes between them. */
  assistantAfterTool: boolean;
  /** The `reasoning_effort` values the model takes (Mistral: none, high); see `fitReasoningEffort`. */
  reasoningEfforts?: ReasoningEffort[];
  /**
   * What an assistant turn without text carries as `content` (quirk `empty_content: ""` or
   * `null`): Ollama refuses null ("invalid message content type: <nil>"), which OpenAI clients
   * send beside tool calls; Bedrock's OpenAI-compatible endpoint refuses "" ("The content field
   * in the Message object at messages.[1] is empty"). Learned from such a refusal too.
   */
  emptyContent?: '' | null;
  /**
   * The history's tool calls carry a Gemini thought signature (quirk `sign_tool_calls`, learned
   * from "Function call is missing a thought_signature"): Google's OpenAI-compatible endpoint,
   * and proxies in front of Gemini 3, want one on each call in `extra_content.google`, and an
   * OpenAI client keeps none. A call without one gets the placeholder Google documents.
   */
  signToolCalls?: boolean;
  /**
   * Tool calls come in a shape strict OpenAI clients refuse (Mistral: no `type`; Ollama: every
   * streamed call at index 0): the passthrough lane fixes them, see `normalize-tool-calls.ts`.
   */
  normalizeToolCalls: boolean;
  /**
   * The model may write its tool calls into its text (a local server without the model's tool
   * parser): they are read back as calls (`text-tool-calls.ts`). A request with tools then
   * leaves the passthrough lane, since the reply must be rewritten.
   */
  textToolCalls: boolean;
}

/** Reads the quirk record of one model (`modelQuirks(provider, model)`), ignoring bad values. */
export function readOpenAIQuirks(q: Record<string, unknown>): OpenAIQuirks {
  const out: OpenAIQuirks = {
    systemAsUser: q.system_as_user === true,
    noStreamUsage: q.no_stream_usage === true,
    dropParams: Array.isArray(q.drop_params) ? q.drop_params.filter((p): p is string => typeof p === 'string') : [],
    strictAlternation: q.strict_alternation === true,
    thinkTags: q.think_tags === true,
    echoReasoning: q.echo_reasoning === true,
    assistantAfterTool: q.assistant_after_tool === true,
    normalizeToolCalls: q.normalize_tool_calls === true,
    textToolCalls: q.text_tool_calls === true,
    stringContent: q.string_content === true,
    jsonObjectAsSchema: q.json_object_as_schema === true,
    reasoningDetails: q.reasoning_details === true,
  };
  if (Array.isArray(q.allowed_params)) out.allowedParams = new Set(q.allowed_params.filter((p): p is string => typeof p === 'string'));
  const fields = q.allowed_message_fields;
  if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
    const byRole: Record<string, ReadonlySet<string>> = {};
    for (const [role, list] of Object.entries(fields)) if (Array.isArray(list)) byRole[role] = new Set(list.filter((f): f is string => typeof f === 'string'));
    out.allowedMessageFields = byRole;
  }
  if (Array.isArray(q.drop_message_fields)) out.dropMessageFields = new Set(q.drop_message_fields.filter((f): f is string => typeof f === 'string'));
  const defaults = q.non_stream_defaults;
  if (defaults && typeof defaults === 'object' && !Array.isArray(defaults)) out.nonStreamDefaults = defaults as Record<string, unknown>;
  const renames = q.rename_message_fields;
  if (renames && typeof renames === 'object' && !Array.isArray(renames)) {
    out.renameMessageFields = Object.entries(renames).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== e[0]);
  }
  if (q.tool_call_ids === 'alnum9') out.toolCallIds = ALNUM9_IDS;
  else if (q.tool_call_ids === 'max40') out.toolCallIds = MAX40_IDS;
  if (typeof q.max_tokens_field === 'string') out.maxTokensField = q.max_tokens_field;
  if (typeof q.reasoning_field === 'string') out.reasoningField = q.reasoning_field;
  if (typeof q.max_temperature === 'number') out.maxTemperature = q.max_temperature;
  if (Array.isArray(q.reasoning_efforts)) out.reasoningEfforts = EFFORTS.filter((e) => (q.reasoning_efforts as unknown[]).includes(e));
  if (q.empty_content === '' || q.empty_content === null) out.emptyContent = q.empty_content;
  if (q.sign_tool_calls === true) out.signToolCalls = true;
  const limit = outputTokenLimit(q);
  if (limit !== undefined) out.maxOutputTokens = limit;
  return out;
}

type WireMessage = { role: string; content?: unknown; [k: string]: unknown };

/**
 * Applies the request-side quirks to an OpenAI chat body, in place, and returns it.
 * A body without quirks is left untouched.
 */
export function applyOpenAIQuirks(body: Record<string, unknown>, q: OpenAIQuirks): Record<string, unknown> {
  const field = q.maxTokensField;
  if (field) {
    for (const name of ['max_tokens', 'max_completion_tokens']) {
      if (name !== field && body[name] != null) {
        body[field] ??= body[name];
        delete body[name];
      }
    }
  }
  if (q.maxTemperature !== undefined && typeof body.temperature === 'number' && body.temperature > q.maxTemperature) {
    body.temperature = q.maxTemperature;
  }
  if (q.noStreamUsage && body.stream_options !== undefined) delete body.stream_options;
  if (q.reasoningEfforts && typeof body.reasoning_effort === 'string' && (EFFORTS as readonly string[]).includes(body.reasoning_effort)) {
    const fitted = fitReasoningEffort(body.reasoning_effort as ReasoningEffort, q.reasoningEfforts);
    if (fitted) body.reasoning_effort = fitted;
    else delete body.reasoning_effort;
  }
  for (const p of q.dropParams) delete body[p];
  if (q.jsonObjectAsSchema && (body.response_format as { type?: unknown } | undefined)?.type === 'json_object') {
    body.response_format = { type: 'json_schema', json_schema: { name: 'json_object', schema: { type: 'object' } } };
  }
  if (q.nonStreamDefaults && body.stream !== true) for (const [k, v] of Object.entries(q.nonStreamDefaults)) if (body[k] === undefined) body[k] = v;
  if (q.allowedParams) for (const k of Object.keys(body)) if (!q.allowedParams.has(k)) delete body[k];
  if (Array.isArray(body.messages)) {
    let messages = body.messages as WireMessage[];
    const { renameMessageFields: renames, allowedMessageFields: allowed } = q;
    if (renames) messages = rewriteMessages(messages, (m) => renameFields(m, renames));
    if (allowed) messages = rewriteMessages(messages, (m) => keepFields(m, allowed));
    const dropped = q.dropMessageFields;
    if (dropped) messages = rewriteMessages(messages, (m) => withoutFields(m, dropped));
    if (q.stringContent) messages = rewriteMessages(messages, textListAsString);
    if (q.emptyContent !== undefined) messages = withEmptyContent(messages, q.emptyContent);
    if (q.systemAsUser) messages = foldSystemIntoUser(messages);
    if (q.strictAlternation) messages = mergeNeighbours(messages);
    if (q.assistantAfterTool) messages = bridgeToolToUser(messages);
    if (q.toolCallIds) messages = mapToolCallIds(messages, q.toolCallIds);
    if (q.signToolCalls) messages = withSignedToolCalls(messages);
    body.messages = messages;
  }
  return body;
}

/** The placeholder Google documents for a call whose thought signature is not at hand. */
const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/** `extra_content.google.thought_signature` of a tool call, if any. */
function signatureOf(call: unknown): unknown {
  const extra = (call as { extra_content?: { google?: { thought_signature?: unknown } } } | null)?.extra_content;
  return extra?.google?.thought_signature;
}

/**
 * The messages with a thought signature on every assistant tool call that has none (in
 * `extra_content.google`, where Google's OpenAI-compatible endpoint reads and writes it); the
 * same array when every call has one.
 */
export function withSignedToolCalls(messages: WireMessage[]): WireMessage[] {
  return rewriteMessages(messages, (m) => {
    if (m.role !== 'assistant' || !Array.isArray(m.tool_calls) || m.tool_calls.every((c) => typeof signatureOf(c) === 'string')) return m;
    const tool_calls = m.tool_calls.map((c: Record<string, unknown>) => {
      if (typeof signatureOf(c) === 'string') return c;
      const extra = (c.extra_content ?? {}) as Record<string, unknown>;
      return { ...c, extra_content: { ...extra, google: { ...(extra.google as object | undefined), thought_signature: SKIP_SIGNATURE } } };
    });
    return { ...m, tool_calls };
  });
}

/**
 * `messages` with `fn` applied to each message object: the same array when `fn` gave every message
 * back as it was, else a copy holding the new ones (the client's own messages are never changed,
 * so a fallback target gets them whole).
 */
function rewriteMessages(messages: WireMessage[], fn: (m: WireMessage) => WireMessage): WireMessage[] {
  let out: WireMessage[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (!m || typeof m !== 'object') continue;
    const next = fn(m);
    if (next !== m) (out ??= messages.slice())[i] = next;
  }
  return out ?? messages;
}

/** `developer` messages of a client's body as `system` ones, in place. */
export function developerAsSystem(body: Record<string, unknown>): void {
  if (!Array.isArray(body.messages)) return;
  body.messages = rewriteMessages(body.messages as WireMessage[], (m) => (m.role === 'developer' ? { ...m, role: 'system' } : m));
}

/**
 * `messages` with each assistant turn without text carrying `empty` as its content (the same
 * array when all do): null or "" becomes `empty`, and null only where the turn makes tool calls
 * (without them OpenAI-style servers want a string).
 */
export function withEmptyContent<M>(messages: M, empty: '' | null): M {
  if (!Array.isArray(messages)) return messages;
  return rewriteMessages(messages as WireMessage[], (m) => {
    if (m.role !== 'assistant' || m.content === empty || (m.content !== null && m.content !== '' && m.content !== undefined)) return m;
    if (empty === null && !Array.isArray(m.tool_calls)) return m;
    return { ...m, content: empty };
  }) as M;
}

/** A body's `messages` with each content that is a list of text parts only as one string (the same array when none is). */
export function textListsAsStrings(messages: unknown): unknown {
  return Array.isArray(messages) ? rewriteMessages(messages as WireMessage[], textListAsString) : messages;
}

/** Content that is a list of text parts only, as one string (joined as the converted lane joins it). */
function textListAsString(m: WireMessage): WireMessage {
  const content = m.content;
  if (!Array.isArray(content) || content.length === 0) return m;
  if (!content.every((p) => p && typeof p === 'object' && p.type === 'text' && typeof p.text === 'string')) return m;
  return { ...m, content: content.map((p: { text: string }) => p.text).join('\n\n') };
}

/** The message with fields under the upstream's names; its own field of a name wins. */
function renameFields(m: WireMessage, renames: ReadonlyArray<readonly [string, string]>): WireMessage {
  for (const [from, to] of renames) {
    if (!Object.hasOwn(m, from)) continue;
    const { [from]: value, ...rest } = m;
    m = (Object.hasOwn(rest, to) ? rest : { ...rest, [to]: value }) as WireMessage;
  }
  return m;
}

/** The message with only the fields its role may carry (roles not listed keep all). */
function keepFields(m: WireMessage, allowed: Readonly<Record<string, ReadonlySet<string>>>): WireMessage {
  const keep = typeof m.role === 'string' && Object.hasOwn(allowed, m.role) ? allowed[m.role] : undefined;
  if (!keep || Object.keys(m).every((k) => keep.has(k))) return m;
  return Object.fromEntries(Object.entries(m).filter(([k]) => keep.has(k))) as WireMessage;
}

/** A body's `messages` without the fields named (the same array when no message has one). */
export function messagesWithout(messages: unknown, drop: ReadonlySet<string>): unknown {
  return Array.isArray(messages) ? rewriteMessages(messages as WireMessage[], (m) => withoutFields(m, drop)) : messages;
}

/** The message without the fields named (the same message when it has none of them). */
function withoutFields(m: WireMessage, drop: ReadonlySet<string>): WireMessage {
  if (!Object.keys(m).some((k) => drop.has(k))) return m;
  return Object.fromEntries(Object.entries(m).filter(([k]) => !drop.has(k))) as WireMessage;
}

/** Text of a string or text-part content. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p && typeof p === 'object' && typeof p.text === 'string' ? p.text : '')).join('\n');
}

function prependText(content: unknown, text: string): unknown {
  if (Array.isArray(content)) return [{ type: 'text', text }, ...content];
  const rest = typeof content === 'string' ? content : '';
  return rest === '' ? text : `${text}\n\n${rest}`;
}

/** The quirks that set the order of a conversation's roles, which an upstream's refusal can teach (`findRoleOrderRule`). */
export type RoleOrderQuirk = 'systemAsUser' | 'strictAlternation' | 'assistantAfterTool';

const ROLE_ORDER: Readonly<Record<RoleOrderQuirk, (messages: WireMessage[]) => WireMessage[]>> = {
  systemAsUser: foldSystemIntoUser,
  strictAlternation: mergeNeighbours,
  assistantAfterTool: bridgeToolToUser,
};

/** A body's `messages` put in the order `quirk` keeps (the same array when they already are). */
export function withRoleOrder(messages: unknown, quirk: RoleOrderQuirk): unknown {
  return Array.isArray(messages) ? ROLE_ORDER[quirk](messages as WireMessage[]) : messages;
}

function foldSystemIntoUser(messages: WireMessage[]): WireMessage[] {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content));
  if (system.length === 0) return messages;
  const rest = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const text = system.join('\n\n');
  const first = rest.findIndex((m) => m.role === 'user');
  if (first === -1) return [{ role: 'user', content: text }, ...rest];
  const copy = rest.slice();
  copy[first] = { ...copy[first], content: prependText(copy[first].content, text) };
  return copy;
}

/** Neighbouring user (or assistant) turns of plain text as one (the same array when none are). */
function mergeNeighbours(messages: WireMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    const mergeable = (m.role === 'user' || m.role === 'assistant') && prev?.role === m.role &&
      !prev.tool_calls && !m.tool_calls && typeof prev.content === 'string' && typeof m.content === 'string';
    if (prev && mergeable) out[out.length - 1] = { ...prev, content: `${prev.content as string}\n\n${m.content as string}` };
    else out.push(m);
  }
  return out.length === messages.length ? messages : out;
}

/**
 * What the assistant says between tool results and a user message that follows them: Mistral
 * answers 400 "Unexpected role 'user' after role 'tool'" (code 3230) to that order, which Claude
 * Code writes whenever it puts text beside its tool results, and a Codex or Gemini CLI user
 * writes by answering before the model did.
 */
const TOOL_RESULTS_READ = 'I have the tool results.';

function bridgeToolToUser(messages: WireMessage[]): WireMessage[] {
  if (!messages.some((m, i) => m.role === 'user' && messages[i - 1]?.role === 'tool')) return messages;
  const out: WireMessage[] = [];
  for (const m of messages) {
    if (m.role === 'user' && out.at(-1)?.role === 'tool') out.push({ role: 'assistant', content: TOOL_RESULTS_READ });
    out.push(m);
  }
  return out;
}
