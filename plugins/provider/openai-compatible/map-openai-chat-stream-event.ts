import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { createSseParser } from '../../../core/util/sse.ts';
import { newToolCallId, readReasoning, type OpenAIResponseOptions } from './map-openai-chat-response.ts';
import { mapOpenAIErrorBody } from './map-openai-error.ts';
import { mapOpenAIFinishReason, mapOpenAIUsage } from './map-openai-usage.ts';
import { createThinkTagSplitter } from './split-think-tags.ts';

type Json = Record<string, unknown>;

const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

interface OpenCall {
  id: string;
  /** Our ordinal among the reply's tool calls (the hub `index`). */
  index: number;
}

/**
 * Parser of an OpenAI Chat Completions SSE stream into hub parts. Used for converted streams
 * and, on the side, for the passthrough lane (usage, commit point, errors).
 *
 * - The first chunk yields `start`; text, reasoning (`reasoning_content`, `reasoning`, or the
 *   preset's `reasoning_field`) and refusals yield deltas; inline `<think>` text becomes
 *   reasoning when `thinkTags` is set.
 * - Tool calls are keyed by the upstream `index`; each gets a stable id (the upstream's, or a
 *   generated one) and our own ordinal. A new id at a known index starts a new call (servers
 *   that send each call whole at index 0).
 * - `finish` is emitted at `[DONE]` (or at the end of input after a `finish_reason`), so it
 *   carries the usage chunk that comes between them.
 * - An `error` frame, an unparseable frame, or input that ends before any finish yields one
 *   `error` part (the latter two `GW_UPSTREAM_PROTOCOL`, retryable); nothing follows it.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createOpenAIChatStreamParser(opts: OpenAIResponseOptions = {}): StreamParser {
  const sse = createSseParser();
  const think = opts.thinkTags ? createThinkTagSplitter() : undefined;
  const calls = new Map<number, OpenCall>();
  let ordinal = 0;
  let started = false;
  let over = false;
  let finishRaw: string | undefined;
  let sawFinish = false;
  let usage: Usage | undefined;
  let reasoningOpen = false;

  const reasoningDelta = (out: StreamPart[], text: string): void => {
    reasoningOpen = true;
    out.push({ type: 'reasoning-delta', text });
  };
  const closeReasoning = (out: StreamPart[]): void => {
    if (!reasoningOpen) return;
    reasoningOpen = false;
    out.push({ type: 'reasoning-end' });
  };
  const textDelta = (out: StreamPart[], text: string): void => {
    if (!think) {
      closeReasoning(out);
      out.push({ type: 'text-delta', text });
      return;
    }
    for (const seg of think.push(text)) {
      if (seg.reasoning) reasoningDelta(out, seg.text);
      else {
        closeReasoning(out);
        out.push({ type: 'text-delta', text: seg.text });
      }
    }
  };
  const closeCalls = (out: StreamPart[]): void => {
    for (const c of calls.values()) out.push({ type: 'tool-call-end', id: c.id, index: c.index });
    calls.clear();
  };
  const fail = (out: StreamPart[], error: GatewayError): void => {
    over = true;
    out.push({ type: 'error', error });
  };
  const finish = (out: StreamPart[]): void => {
    for (const seg of think?.flush() ?? []) {
      if (seg.reasoning) reasoningDelta(out, seg.text);
      else {
        closeReasoning(out);
        out.push({ type: 'text-delta', text: seg.text });
      }
    }
    closeReasoning(out);
    closeCalls(out);
    over = true;
    const part: StreamPart = { type: 'finish', reason: mapOpenAIFinishReason(finishRaw, ordinal > 0) };
    if (finishRaw) part.rawReason = finishRaw;
    if (usage) part.usage = usage;
    out.push(part);
  };

  const toolCall = (out: StreamPart[], raw: unknown, position: number): void => {
    const tc = obj(raw);
    if (!tc) return;
    const fn = obj(tc.function);
    const key = typeof tc.index === 'number' ? tc.index : position;
    const upstreamId = typeof tc.id === 'string' && tc.id ? tc.id : undefined;
    let call = calls.get(key);
    if (!call || (upstreamId && upstreamId !== call.id)) {
      if (call) out.push({ type: 'tool-call-end', id: call.id, index: call.index });
      call = { id: upstreamId ?? newToolCallId(), index: ordinal++ };
      calls.set(key, call);
      out.push({ type: 'tool-call-start', id: call.id, name: typeof fn?.name === 'string' ? fn.name : '', index: call.index });
    }
    const args = fn?.arguments;
    const text = typeof args === 'string' ? args : args && typeof args === 'object' ? JSON.stringify(args) : '';
    if (text) out.push({ type: 'tool-call-delta', id: call.id, index: call.index, argumentsDelta: text });
  };

  const onChoice = (out: StreamPart[], choice: Json): void => {
    const delta = obj(choice.delta) ?? obj(choice.message) ?? {};
    const reasoning = readReasoning(delta, opts.reasoningField);
    if (reasoning) reasoningDelta(out, reasoning);
    if (typeof delta.content === 'string' && delta.content) textDelta(out, delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal) textDelta(out, delta.refusal);
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      closeReasoning(out);
      delta.tool_calls.forEach((tc, i) => toolCall(out, tc, i));
    }
    const legacy = obj(delta.function_call);
    if (legacy) toolCall(out, { index: 0, function: legacy }, 0);
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) {
      finishRaw = choice.finish_reason;
      sawFinish = true;
    }
  };

  const onData = (out: StreamPart[], data: string): void => {
    if (data === '[DONE]') return finish(out);
    let json: Json | undefined;
    try {
      json = obj(JSON.parse(data));
    } catch {
      return fail(out, new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream sent a malformed stream frame.', { retryable: true }));
    }
    if (!json) return;
    if (json.error) return fail(out, mapStreamError(json.error));
    if (!started) {
      started = true;
      out.push({
        type: 'start',
        id: typeof json.id === 'string' && json.id ? json.id : `chatcmpl-${crypto.randomUUID()}`,
        model: typeof json.model === 'string' ? json.model : '',
        ...(typeof json.created === 'number' ? { created: json.created } : {}),
      });
    }
    const u = mapOpenAIUsage(json.usage) ?? mapOpenAIUsage(obj(json.x_groq)?.usage);
    if (u) usage = u;
    const choices = json.choices;
    if (Array.isArray(choices)) {
      const choice = obj(choices.find((c) => (obj(c)?.index ?? 0) === 0));
      if (choice) onChoice(out, choice);
    }
  };

  return {
    push(chunk) {
      if (over) return [];
      const out: StreamPart[] = [];
      for (const e of sse.push(chunk)) {
        if (over) break;
        if (e.event === 'error') fail(out, mapStreamError(safeJson(e.data)));
        else onData(out, e.data);
      }
      return out;
    },
    end() {
      const out: StreamPart[] = [];
      for (const e of sse.end()) if (!over) onData(out, e.data);
      if (over) return out;
      if (sawFinish) finish(out);
      else fail(out, new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before the response was complete.', { retryable: true }));
      return out;
    },
  };
}

/** An `error` object inside a stream; a numeric `code` is taken as the HTTP status (OpenRouter). */
function mapStreamError(raw: unknown): GatewayError {
  const e = obj(raw) ?? {};
  const status = typeof e.code === 'number' && e.code >= 400 && e.code < 600 ? e.code : typeof e.status === 'number' ? e.status : 500;
  return mapOpenAIErrorBody(status, { error: raw });
}

function safeJson(text: string): unknown {
  try {
    const json: unknown = JSON.parse(text);
    return obj(json)?.error ?? json;
  } catch {
    return { message: text.slice(0, 300) };
  }
}
