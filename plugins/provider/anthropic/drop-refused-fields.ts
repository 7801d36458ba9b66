import { refusal, refusedFieldPath, refusedSamplingField, withoutPath } from '../../../core/util/refused-fields.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/** A field of the request an upstream refused: at the top, on each tool, or on each message content block of a type. */
export interface RefusedField {
  on: 'request' | 'tool' | 'block';
  name: string;
  /** For `block`: the type of the blocks it is refused on (`thinking`). */
  block?: string;
}

/**
 * The Messages API's own wording for a field of its tools it does not define, kept by
 * Anthropic-format endpoints that check like it: "tools.0.custom.defer_loading: Extra inputs are
 * not permitted" (Claude Code 2.1.69's deferred tools, refused by endpoints without tool search).
 * A field of the request itself ("context_management: Extra inputs are not permitted": Vertex,
 * Bedrock behind a proxy, vendors' endpoints, or the API itself without the beta header), or one
 * inside a top-level object named by its path ("output_config.effort: …": it goes, and the object
 * too when nothing else is left in it), is read by `refusedFieldPath`, as for other upstreams.
 */
const TOOL_EXTRA = /(?:^|[\s"'])tools\.\d+\.(?:custom\.)?([a-z_][a-z0-9_]*): Extra inputs are not permitted/;
/**
 * The same for a field of a message's content block, named by its path and the block's type:
 * "messages.13.content.0.thinking.cache_control: Extra inputs are not permitted" (a thinking
 * block cannot be marked for caching; a client or proxy that marks the last block of a turn
 * marks it). A history replays the block, so every later turn failed.
 */
const BLOCK_EXTRA = /messages\.\d+\.content\.\d+\.([a-z_]+)\.([a-z_][a-z0-9_]*): Extra inputs are not permitted/;
/** What a request cannot go without, whatever an error says. */
const ESSENTIAL: readonly string[] = ['model', 'messages', 'max_tokens', 'stream', 'system', 'tools'];
/** What a tool cannot go without. */
const TOOL_ESSENTIAL = new Set(['name', 'input_schema', 'type', 'description']);
/** What a content block cannot go without. */
const BLOCK_ESSENTIAL = new Set(['type', 'text', 'thinking', 'signature', 'data', 'id', 'name', 'input', 'tool_use_id', 'content', 'source']);

/**
 * The field an upstream's 400 refuses as one it does not define (`TOOL_EXTRA`, `BLOCK_EXTRA`,
 * `refusedFieldPath`), or a sampling parameter the model does not take (`refusedSamplingField`:
 * Opus 4.7 and later refuse them all, "'temperature' is deprecated for this model."; Claude 4.5
 * and later take `temperature` or `top_p`, not both), which an OpenAI-format client's converted
 * request or an Anthropic SDK client's own may carry, when the body has it and can go without it
 * (the request's meaning for that upstream stays: it would not read the field), or undefined.
 * Claude Code sends such fields on every turn, so each one refused failed every turn.
 */
export function findRefusedField(err: unknown, body: Json): RefusedField | undefined {
  const message = refusal(err)?.message;
  if (message === undefined) return undefined;
  const inBlock = BLOCK_EXTRA.exec(message);
  const tool = inBlock ? undefined : TOOL_EXTRA.exec(message)?.[1];
  const field: RefusedField | undefined = inBlock ? { on: 'block', name: inBlock[2]!, block: inBlock[1]! }
    : tool !== undefined ? (TOOL_ESSENTIAL.has(tool) ? undefined : { on: 'tool', name: tool })
    : requestField(refusedSamplingField(err, body) ?? refusedFieldPath(err, body, ESSENTIAL));
  if (!field || (field.on === 'block' && BLOCK_ESSENTIAL.has(field.name))) return undefined;
  return withoutFields(body, [field]) !== body ? field : undefined;
}

function requestField(name: string | undefined): RefusedField | undefined {
  return name === undefined ? undefined : { on: 'request', name };
}

/** The body without the fields (on every tool for a tool field); the same body when it has none of them. */
export function withoutFields(body: Json, fields: readonly RefusedField[]): Json {
  let out = body;
  for (const f of fields) {
    if (f.on === 'request') {
      out = withoutPath(out, f.name);
    } else if (f.on === 'tool' && Array.isArray(out.tools) && out.tools.some((t) => isObj(t) && Object.hasOwn(t, f.name))) {
      out = { ...out, tools: out.tools.map((t) => (isObj(t) && Object.hasOwn(t, f.name) ? dropKey(t, f.name) : t)) };
    } else if (f.on === 'block' && Array.isArray(out.messages)) {
      const messages = withoutBlockField(out.messages, f);
      if (messages) out = { ...out, messages };
    }
  }
  return out;
}

/** The messages without the field on their content blocks of its type; undefined when none has it. */
function withoutBlockField(messages: unknown[], f: RefusedField): unknown[] | undefined {
  const has = (b: unknown): b is Json => isObj(b) && b.type === f.block && Object.hasOwn(b, f.name);
  let out: unknown[] | undefined;
  messages.forEach((m, i) => {
    if (!isObj(m) || !Array.isArray(m.content) || !m.content.some(has)) return;
    out ??= messages.slice();
    out[i] = { ...m, content: m.content.map((b) => (has(b) ? dropKey(b, f.name) : b)) };
  });
  return out;
}

/** Fields upstreams refused, per model: a client sends them on every turn, so later requests go without. */
const refused = new ProviderMemo<readonly RefusedField[]>();

export function rememberRefusedField(attempt: Attempt, field: RefusedField): void {
  const known = refused.get(attempt.provider, attempt.target.model) ?? [];
  if (!known.some((f) => f.on === field.on && f.name === field.name && f.block === field.block)) refused.set(attempt.provider, attempt.target.model, [...known, field]);
}

/** The body without the fields its model's upstream refused before; the same body when there are none. */
export function withoutKnownRefusedFields(body: Json, attempt: Attempt): Json {
  const known = refused.get(attempt.provider, attempt.target.model);
  return known ? withoutFields(body, known) : body;
}

function dropKey(o: Json, key: string): Json {
  const { [key]: _refused, ...rest } = o;
  return rest;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
