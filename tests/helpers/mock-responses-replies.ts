/**
 * Reply bodies of the mock Responses upstream, shaped like the recorded samples in
 * /work/shared/fixtures/openai (responses-text.json, responses-function-call.json,
 * responses-stream.sse), with the fields the current API adds (`sequence_number`, `logprobs`,
 * `input_tokens_details`, reasoning items with `encrypted_content`).
 */

type Json = Record<string, unknown>;

/** What the mock answers to one request. */
export interface MockResponsesReply {
  text?: string;
  /** Reasoning summary text; a reasoning item is sent whenever this is set (even ''). */
  reasoning?: string;
  toolCalls?: Array<{ callId?: string; name: string; arguments: string }>;
  /** A built-in `web_search_call` item with this query, before the message (as OpenAI runs the tool). */
  webSearch?: string;
  /** `incomplete` ends with `response.incomplete` (reason `max_output_tokens` by default). */
  status?: 'completed' | 'incomplete';
  incompleteReason?: 'max_output_tokens' | 'content_filter';
  /** Replaces the computed usage. */
  usage?: Json;
  /** Default: the request's model. */
  model?: string;
  /** The tier the response says served it (default `default`; null: none named). */
  serviceTier?: string | null;
}

export interface ReplyMeta {
  id: string;
  created: number;
  seq: number;
}

/** Text of the last user message in `input`. */
export function lastUserText(body: Json): string {
  if (typeof body.input === 'string') return body.input;
  const items = Array.isArray(body.input) ? (body.input as Json[]) : [];
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) return (m.content as Json[]).map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

/**
 * Default behaviour: after a `function_call_output`, answer with its output; with function tools
 * and "weather" in the prompt, call the weather tool (or the first); with reasoning effort,
 * start with a reasoning item; else echo the last user text.
 */
export function defaultReply(body: Json): MockResponsesReply {
  const items = Array.isArray(body.input) ? (body.input as Json[]) : [];
  const last = items.at(-1);
  const effort = (body.reasoning as Json | undefined)?.effort;
  const reasoning = typeof effort === 'string' && effort !== 'none' ? 'Thinking about the request.' : undefined;
  if (last?.type === 'function_call_output') {
    const output = typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
    return { reasoning, text: `The tool answered: ${output}` };
  }
  const text = lastUserText(body);
  const tools = (Array.isArray(body.tools) ? (body.tools as Json[]) : []).filter((t) => t.type === 'function');
  if (tools.length > 0 && /weather/i.test(text)) {
    const fn = tools.find((t) => typeof t.name === 'string' && /weather/i.test(t.name)) ?? tools[0];
    const key = Object.keys(((fn.parameters as Json | undefined)?.properties ?? {}) as Json)[0] ?? 'location';
    const city = /\bin ([A-Z][\w .'-]*?)\s*[?.!]*$/.exec(text)?.[1] ?? 'Boston, MA';
    return { reasoning, toolCalls: [{ callId: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: String(fn.name), arguments: JSON.stringify({ [key]: city }) }] };
  }
  return { reasoning, text: text || 'Hello! How can I assist you today?' };
}

const hex = (seq: number, n: number) => (seq.toString(16).padStart(8, '0') + '67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b').slice(0, n);
const tokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));

/** The complete `response` object for a reply (what JSON replies and `response.completed` carry). */
export function buildResponse(body: Json, reply: MockResponsesReply, meta: ReplyMeta): Json {
  const include = Array.isArray(body.include) ? body.include : [];
  const summaryOn = typeof (body.reasoning as Json | undefined)?.summary === 'string';
  const output: Json[] = [];
  if (reply.reasoning !== undefined) {
    const item: Json = { id: `rs_${hex(meta.seq, 48)}`, type: 'reasoning', summary: summaryOn && reply.reasoning ? [{ type: 'summary_text', text: reply.reasoning }] : [] };
    if (include.includes('reasoning.encrypted_content')) {
      item.encrypted_content = `gAAAAB${Buffer.from(JSON.stringify({ mock: meta.id, summary: reply.reasoning })).toString('base64')}`;
    }
    output.push(item);
  }
  if (reply.webSearch !== undefined) {
    output.push({ id: `ws_${hex(meta.seq, 48)}`, type: 'web_search_call', status: 'completed', action: { type: 'search', query: reply.webSearch } });
  }
  if (reply.text !== undefined) {
    output.push({
      id: `msg_${hex(meta.seq, 48)}`, type: 'message', status: 'completed', role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
    });
  }
  (reply.toolCalls ?? []).forEach((c, i) => {
    output.push({
      id: `fc_${hex(meta.seq + i, 48)}`, type: 'function_call', status: 'completed',
      arguments: c.arguments, call_id: c.callId ?? `call_mock${meta.seq}_${i}`, name: c.name,
    });
  });
  const reasoningTokens = reply.reasoning !== undefined ? tokens(reply.reasoning.length + 40) : 0;
  const outChars = (reply.text ?? '').length + (reply.toolCalls ?? []).reduce((n, c) => n + c.arguments.length, 0);
  const input = tokens(JSON.stringify(body.input ?? '').length + String(body.instructions ?? '').length);
  const outputTokens = tokens(outChars) + reasoningTokens;
  const incomplete = reply.status === 'incomplete';
  const reasoning = (body.reasoning ?? {}) as Json;
  return {
    id: meta.id, object: 'response', created_at: meta.created,
    status: incomplete ? 'incomplete' : 'completed', completed_at: incomplete ? null : meta.created + 1,
    error: null, incomplete_details: incomplete ? { reason: reply.incompleteReason ?? 'max_output_tokens' } : null,
    instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null,
    model: reply.model ?? body.model, output, parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null, reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    ...(reply.serviceTier === null ? {} : { service_tier: reply.serviceTier ?? 'default' }), store: body.store ?? true, temperature: body.temperature ?? 1.0,
    text: body.text ?? { format: { type: 'text' } }, tool_choice: body.tool_choice ?? 'auto',
    tools: (Array.isArray(body.tools) ? (body.tools as Json[]) : []).map((t) => (t.type === 'function' ? { description: null, ...t, parameters: t.parameters ?? null, strict: t.strict ?? true } : t)), top_p: body.top_p ?? 1.0, truncation: body.truncation ?? 'disabled',
    usage: reply.usage ?? {
      input_tokens: input, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: input + outputTokens,
    },
    user: body.user ?? null, metadata: body.metadata ?? {},
  };
}

/** Splits text the way a tokenizer-paced stream does: words with their trailing space. */
function chunks(text: string, size = 0): string[] {
  if (text.length === 0) return [];
  if (size > 0) return text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/** The full SSE event sequence of a response, each event with its `sequence_number`. */
export function replyEvents(response: Json): Json[] {
  const events: Json[] = [];
  const emit = (type: string, fields: Json) => events.push({ type, ...fields, sequence_number: events.length });
  const pending = { ...response, status: 'in_progress', completed_at: null, output: [], usage: null, incomplete_details: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  (response.output as Json[]).forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      emit('response.output_item.added', { output_index, item: { id: item_id, type: 'reasoning', summary: [] } });
      (item.summary as Json[]).forEach((part, summary_index) => {
        const text = String(part.text);
        emit('response.reasoning_summary_part.added', { item_id, output_index, summary_index, part: { type: 'summary_text', text: '' } });
        for (const delta of chunks(text)) emit('response.reasoning_summary_text.delta', { item_id, output_index, summary_index, delta });
        emit('response.reasoning_summary_text.done', { item_id, output_index, summary_index, text });
        emit('response.reasoning_summary_part.done', { item_id, output_index, summary_index, part: { type: 'summary_text', text } });
      });
    } else if (item.type === 'message') {
      const text = String((item.content as Json[])[0].text);
      emit('response.output_item.added', { output_index, item: { id: item_id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
      emit('response.content_part.added', { item_id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
      for (const delta of chunks(text)) emit('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] });
      emit('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] });
      emit('response.content_part.done', { item_id, output_index, content_index: 0, part: (item.content as Json[])[0] });
    } else if (item.type === 'function_call') {
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of chunks(String(item.arguments), 6)) emit('response.function_call_arguments.delta', { item_id, output_index, delta });
      emit('response.function_call_arguments.done', { item_id, output_index, name: item.name, arguments: item.arguments });
    } else if (item.type === 'web_search_call') {
      emit('response.output_item.added', { output_index, item: { id: item_id, type: 'web_search_call', status: 'in_progress' } });
      for (const phase of ['in_progress', 'searching', 'completed']) emit(`response.web_search_call.${phase}`, { item_id, output_index });
    }
    emit('response.output_item.done', { output_index, item });
  });
  emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  return events;
}
