import type { FinishReason, StreamPart } from '../../../core/types/hub.ts';
import { PROVIDER } from './convert-to-responses-input.ts';
import { mapResponsesStreamError } from './map-responses-error.ts';
import { MODELED_ITEMS, responseMetadata } from './map-responses-result.ts';
import { mapResponsesUsage } from './map-responses-usage.ts';

type Json = Record<string, unknown>;

/** One decoded Responses stream event (the JSON of an SSE `data:` line). */
export interface ResponsesStreamEvent {
  type: string;
  [key: string]: unknown;
}

interface CallState { callId: string; index: number; argsSent: boolean }

/** What the mapper remembers between events of one stream. */
export interface ResponsesStreamState {
  started: boolean;
  /** True after a terminal event (`response.completed` / `incomplete` / `failed`, `error`). */
  done: boolean;
  toolCount: number;
  /** Function calls by output item id. */
  readonly calls: Map<string, CallState>;
  /** Output item ids (messages, reasoning) that already streamed text. */
  readonly textSeen: Set<string>;
  /** Text streamed per content part (`item_id#content_index`), to complete it from `.done`. */
  readonly streamed: Map<string, string>;
  /** The account secret, masked out of error messages. */
  readonly secret?: string;
  /** An output item the hub does not model came (custom, shell or hosted tool calls). */
  opaque?: boolean;
}

/** A fresh state for one stream; `secret` is masked out of upstream error messages. */
export function createResponsesStreamState(secret?: string): ResponsesStreamState {
  return { started: false, done: false, toolCount: 0, calls: new Map(), textSeen: new Set(), streamed: new Map(), secret };
}

/**
 * Maps one Responses stream event to hub parts. Text and reasoning summary deltas pass through;
 * function calls are keyed by their output item id and carry OpenAI's `call_id`; a reasoning
 * item ends with `reasoning-end` carrying its `encrypted_content` (origin `openai-responses`).
 * Servers that send only `.done` events (no deltas) still yield the full text or arguments.
 * `response.completed` → finish `stop` (`tool-calls` when a function was called; its metadata
 * keeps the response's own `output` items, see `responseMetadata`),
 * `response.incomplete` → `length` / `content-filter`, `response.failed` and `error` → one error.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function mapResponsesStreamEvent(event: ResponsesStreamEvent, state: ResponsesStreamState): StreamPart[] {
  if (state.done) return [];
  const parts: StreamPart[] = [];
  if (!state.started && event.type !== 'error') {
    const response = (event.response ?? {}) as Json;
    state.started = true;
    parts.push({
      type: 'start',
      id: str(response.id),
      model: str(response.model),
      ...(typeof response.created_at === 'number' ? { created: response.created_at } : {}),
    });
  }
  switch (event.type) {
    case 'response.output_item.added':
      return itemAdded((event.item ?? {}) as Json, state, parts);
    case 'response.output_text.delta':
    case 'response.refusal.delta': {
      const key = `${str(event.item_id)}#${Number(event.content_index ?? 0)}`;
      state.streamed.set(key, (state.streamed.get(key) ?? '') + str(event.delta));
      return textDelta(str(event.item_id), str(event.delta), state, parts, 'text-delta');
    }
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return textDelta(str(event.item_id), str(event.delta), state, parts, 'reasoning-delta');
    case 'response.reasoning_summary_part.added':
      if (state.textSeen.has(str(event.item_id))) parts.push({ type: 'reasoning-delta', text: '\n\n' });
      return parts;
    case 'response.output_text.done':
      return textDone(event, state, parts);
    case 'response.function_call_arguments.delta':
      return argsDelta(str(event.item_id), str(event.delta), state, parts);
    case 'response.function_call_arguments.done': {
      const call = state.calls.get(str(event.item_id));
      return call && !call.argsSent ? argsDelta(str(event.item_id), str(event.arguments), state, parts) : parts;
    }
    case 'response.output_item.done':
      return itemDone((event.item ?? {}) as Json, state, parts);
    case 'response.completed':
    case 'response.incomplete':
      return finish(event, state, parts);
    case 'response.failed': {
      state.done = true;
      const response = (event.response ?? {}) as Json;
      parts.push({ type: 'error', error: mapResponsesStreamError({ error: response.error ?? {} }, state.secret) });
      return parts;
    }
    case 'error':
      state.done = true;
      parts.push({ type: 'error', error: mapResponsesStreamError(event, state.secret) });
      return parts;
    default:
      return parts; // lifecycle, annotation and built-in tool progress events carry nothing for the hub
  }
}

function itemAdded(item: Json, state: ResponsesStreamState, parts: StreamPart[]): StreamPart[] {
  if (item.type !== 'function_call') {
    if (!MODELED_ITEMS.has(item.type as string)) state.opaque = true;
    return parts;
  }
  const callId = str(item.call_id) || str(item.id);
  const index = state.toolCount++;
  state.calls.set(str(item.id) || callId, { callId, index, argsSent: false });
  parts.push({ type: 'tool-call-start', id: callId, name: str(item.name), index });
  const args = str(item.arguments);
  return args ? argsDelta(str(item.id) || callId, args, state, parts) : parts;
}

function textDelta(itemId: string, text: string, state: ResponsesStreamState, parts: StreamPart[], type: 'text-delta' | 'reasoning-delta'): StreamPart[] {
  if (text.length === 0) return parts;
  state.textSeen.add(itemId);
  parts.push({ type, text });
  return parts;
}

/** Completes a text part from its `.done` event when deltas were missing or cut short. */
function textDone(event: ResponsesStreamEvent, state: ResponsesStreamState, parts: StreamPart[]): StreamPart[] {
  const key = `${str(event.item_id)}#${Number(event.content_index ?? 0)}`;
  const sent = state.streamed.get(key) ?? '';
  const text = str(event.text);
  if (text.length <= sent.length || !text.startsWith(sent)) return parts;
  state.streamed.set(key, text);
  return textDelta(str(event.item_id), text.slice(sent.length), state, parts, 'text-delta');
}

function argsDelta(itemId: string, delta: string, state: ResponsesStreamState, parts: StreamPart[]): StreamPart[] {
  const call = state.calls.get(itemId);
  if (!call || delta.length === 0) return parts;
  call.argsSent = true;
  parts.push({ type: 'tool-call-delta', id: call.callId, index: call.index, argumentsDelta: delta });
  return parts;
}

function itemDone(item: Json, state: ResponsesStreamState, parts: StreamPart[]): StreamPart[] {
  const id = str(item.id);
  if (!MODELED_ITEMS.has(item.type as string)) state.opaque = true;
  if (item.type === 'function_call') {
    if (!state.calls.has(id || str(item.call_id))) itemAdded(item, state, parts);
    const key = id || str(item.call_id);
    const call = state.calls.get(key)!;
    if (!call.argsSent) argsDelta(key, str(item.arguments), state, parts);
    parts.push({ type: 'tool-call-end', id: call.callId, index: call.index });
  } else if (item.type === 'reasoning') {
    if (!state.textSeen.has(id)) {
      const summary = Array.isArray(item.summary) ? (item.summary as Json[]).map((s) => str(s.text)).filter(Boolean) : [];
      textDelta(id, summary.join('\n\n'), state, parts, 'reasoning-delta');
    }
    const encrypted = str(item.encrypted_content);
    parts.push(encrypted ? { type: 'reasoning-end', redacted: encrypted, origin: PROVIDER } : { type: 'reasoning-end' });
  } else if (item.type === 'message' && !state.textSeen.has(id)) {
    const content = Array.isArray(item.content) ? (item.content as Json[]) : [];
    textDelta(id, content.map((c) => str(c.text) || str(c.refusal)).join(''), state, parts, 'text-delta');
  }
  return parts;
}

function finish(event: ResponsesStreamEvent, state: ResponsesStreamState, parts: StreamPart[]): StreamPart[] {
  state.done = true;
  const response = (event.response ?? {}) as Json;
  const incomplete = (response.incomplete_details ?? {}) as Json;
  let reason: FinishReason = state.toolCount > 0 ? 'tool-calls' : 'stop';
  let rawReason = str(response.status) || 'completed';
  if (event.type === 'response.incomplete' || response.status === 'incomplete') {
    rawReason = str(incomplete.reason) || 'incomplete';
    reason = rawReason === 'content_filter' ? 'content-filter' : 'length';
  }
  const usage = mapResponsesUsage(response.usage, response.service_tier);
  const end: StreamPart = usage ? { type: 'finish', reason, rawReason, usage } : { type: 'finish', reason, rawReason };
  const metadata = responseMetadata(response);
  if (metadata) end.providerMetadata = { [PROVIDER]: metadata };
  if (state.opaque) end.opaqueOutput = true;
  parts.push(end);
  return parts;
}


function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
