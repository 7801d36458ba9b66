import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';

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
  };
  if (typeof q.max_tokens_field === 'string') out.maxTokensField = q.max_tokens_field;
  if (typeof q.reasoning_field === 'string') out.reasoningField = q.reasoning_field;
  if (typeof q.max_temperature === 'number') out.maxTemperature = q.max_temperature;
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
  for (const p of q.dropParams) delete body[p];
  if (Array.isArray(body.messages)) {
    let messages = body.messages as WireMessage[];
    if (q.systemAsUser) messages = foldSystemIntoUser(messages);
    if (q.strictAlternation) messages = mergeNeighbours(messages);
    body.messages = messages;
  }
  return body;
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

function mergeNeighbours(messages: WireMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    const mergeable = (m.role === 'user' || m.role === 'assistant') && prev?.role === m.role &&
      !prev.tool_calls && !m.tool_calls && typeof prev.content === 'string' && typeof m.content === 'string';
    if (prev && mergeable) out[out.length - 1] = { ...prev, content: `${prev.content as string}\n\n${m.content as string}` };
    else out.push(m);
  }
  return out;
}
