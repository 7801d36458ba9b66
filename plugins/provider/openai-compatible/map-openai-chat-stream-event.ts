import { REASONING_DETAILS_ORIGIN, ReasoningDetails } from './reasoning-details.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { createSseParser, eventEndAfter } from '../../../core/util/sse.ts';
import { streamArgumentsRepair, type ArgumentsRepair } from '../../../core/util/tool-arguments.ts';
import { newToolCallId, readContentSegments, readReasoning, type OpenAIResponseOptions } from './map-openai-chat-response.ts';
import { mapOpenAIErrorBody } from './map-openai-error.ts';
import { isUsageEvent } from './strip-usage-frame.ts';
import { mapOpenAIFinishReason, mapOpenAIUsage } from './map-openai-usage.ts';
import { createThinkTagSplitter, type ThinkTagSplitter } from './split-think-tags.ts';
import type { TextToolCall, ToolTextSegment, ToolTextSplitter } from './text-segments.ts';
import { createToolTextSplitter } from './text-tool-calls.ts';

type Json = Record<string, unknown>;

const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/** The bytes of the stream's last event. */
const DONE = Buffer.from('[DONE]');

interface OpenCall {
  /** The upstream's id, or one made up once the call is announced without one. */
  id: string;
  /** The id is the upstream's own. */
  upstreamId: boolean;
  /** Our ordinal among the reply's tool calls (the hub `index`); -1 until the call is announced. */
  index: number;
  name: string;
  /** Argument fragments that came before the call's name, sent when it is announced. */
  held: string;
  /** The arguments' slips (a fence, raw newlines, a trailing comma or trailing text) set right as they stream. */
  fix: ArgumentsRepair;
}

/**
 * Parser of an OpenAI Chat Completions SSE stream into hub parts. Used for converted streams
 * and, on the side, for the passthrough lane (usage, commit point, errors).
 *
 * - The first chunk yields `start`; text, reasoning (`reasoning_content`, `reasoning`, the
 *   preset's `reasoning_field`, or Mistral's `thinking` chunks in a `content` array) and
 *   refusals yield deltas; inline `<think>` text becomes reasoning when `thinkTags` is set.
 * - Tool calls are keyed by the upstream `index`; each gets a stable id (the upstream's, or a
 *   generated one) and our own ordinal. Their arguments go through `streamArgumentsRepair`, so
 *   every client dialect gets the object a weak model meant, not its slips. A call is announced
 *   once its name is known: fragments that come before it (and an id that comes late) wait for
 *   it. A new id at a known index starts a new call when that call had an id of its own (servers
 *   that send each call whole at index 0).
 * - With `textTools`, calls the model wrote into its text are read back (`text-tool-calls.ts`).
 * - `finish` is emitted at `[DONE]` (or at the end of input after a `finish_reason`), so it
 *   carries the usage chunk that comes between them, with the `service_tier` that chunk (else
 *   the first) names.
 * - An `error` frame, an unparseable frame, or input that ends before any finish yields one
 *   `error` part (the latter two `GW_UPSTREAM_PROTOCOL`, retryable); nothing follows it, and
 *   `eventsBeforeError` says which event of the call it was.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createOpenAIChatStreamParser(opts: OpenAIResponseOptions = {}): StreamParser {
  return new OpenAIChatStreamMapper(opts);
}

class OpenAIChatStreamMapper implements StreamParser {
  private readonly sse = createSseParser();
  private readonly think: ThinkTagSplitter | undefined;
  private readonly toolText: ToolTextSplitter | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private ordinal = 0;
  private started = false;
  /** An error or the finish went out: nothing more is read. */
  private over = false;
  private stoppedAt = 0;
  private finishRaw: string | undefined;
  private sawFinish = false;
  private usage: Usage | undefined;
  /** The `service_tier` of the first chunk, for a usage chunk that names none. */
  private tier: unknown;
  private reasoningOpen = false;
  /** OpenRouter's `reasoning_details` blocks, put together until they go out with the reasoning. */
  private readonly details = new ReasoningDetails();
  /** The stream's id, model and creation time, for a chunk the gateway adds (`amend`). */
  private head: Json = {};
  /** The usage chunk or `[DONE]` came with no `finish_reason` before it: the finish chunk `amend` adds, until it has. */
  private missingFinish: string | undefined;
  /** `amend` added the finish chunk (once a stream). */
  private finishAdded = false;

  constructor(private readonly opts: OpenAIResponseOptions) {
    this.think = opts.thinkTags ? createThinkTagSplitter() : undefined;
    this.toolText = opts.textTools ? createToolTextSplitter(opts.textTools) : undefined;
  }

  push(chunk: Uint8Array): StreamPart[] {
    if (this.over) return [];
    const out: StreamPart[] = [];
    const events = this.sse.push(chunk);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.event === 'error') this.fail(out, mapStreamError(safeJson(e.data)));
      else this.onData(out, e.data);
      if (this.over) {
        this.stoppedAt = i;
        break;
      }
    }
    return out;
  }

  end(): StreamPart[] {
    const out: StreamPart[] = [];
    const events = this.sse.end();
    for (let i = 0; i < events.length && !this.over; i++) {
      this.onData(out, events[i]!.data);
      this.stoppedAt = i;
    }
    if (this.over) return out;
    if (this.sawFinish) {
      this.finish(out);
    } else {
      this.stoppedAt = events.length;
      this.fail(out, new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before the response was complete.', { retryable: true }));
    }
    return out;
  }

  /** The index, in the last call's events, of the one after which reading stopped (an error or the finish). */
  get eventsBeforeError(): number {
    return this.stoppedAt;
  }

  /**
   * A stream whose `[DONE]` came with no `finish_reason` in any chunk (NVIDIA NIM's GLM after tool
   * calls, some gateways' models): strict clients refuse it ("Stream ended without
   * finish_reason": the Vercel AI SDK behind OpenCode stops its tool loop). The chunk that
   * holds the end gets a finish chunk before the usage chunk or `[DONE]`, with the reason the
   * stream meant (`tool_calls` after calls, else `stop`).
   */
  amend(chunk: Uint8Array): Uint8Array | undefined {
    const reason = this.missingFinish;
    if (reason === undefined) return undefined;
    this.missingFinish = undefined;
    this.finishAdded = true;
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let start = 0; start < b.length;) {
      const end = eventEndAfter(b, start);
      const event = b.subarray(start, end);
      if (event.includes(DONE) || isUsageEvent(event)) {
        const frame = `data: ${JSON.stringify({ ...this.head, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
        return Buffer.concat([b.subarray(0, start), Buffer.from(frame), b.subarray(start)]);
      }
      start = end;
    }
    return undefined;
  }

  /** The stream's end (its usage chunk or `[DONE]`) came with no `finish_reason` before it: `amend` adds one. */
  private noteMissingFinish(): void {
    if (this.finishRaw === undefined && this.started && !this.finishAdded) this.missingFinish ??= this.ordinal > 0 ? 'tool_calls' : 'stop';
  }

  private onData(out: StreamPart[], data: string): void {
    if (data === '[DONE]') {
      this.noteMissingFinish();
      return this.finish(out);
    }
    let json: Json | undefined;
    try {
      json = obj(JSON.parse(data));
    } catch {
      return this.fail(out, new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream sent a malformed stream frame.', { retryable: true }));
    }
    if (!json) return;
    if (json.error) return this.fail(out, mapStreamError(json.error));
    if (!this.started) {
      this.started = true;
      this.tier = json.service_tier;
      this.head = { id: json.id, created: json.created, model: json.model };
      out.push({
        type: 'start',
        id: typeof json.id === 'string' && json.id ? json.id : `chatcmpl-${crypto.randomUUID()}`,
        model: typeof json.model === 'string' ? json.model : '',
        ...(typeof json.created === 'number' ? { created: json.created } : {}),
      });
    }
    const choice = Array.isArray(json.choices) ? obj(json.choices.find((c) => (obj(c)?.index ?? 0) === 0)) : undefined;
    // The usage chunk follows the finish chunk: none before it means none is coming.
    if (json.usage && Array.isArray(json.choices) && json.choices.length === 0) this.noteMissingFinish();
    // Groq puts the usage in `x_groq`, Moonshot inside the choice.
    const u = mapOpenAIUsage(json.usage) ?? mapOpenAIUsage(obj(json.x_groq)?.usage) ?? mapOpenAIUsage(choice?.usage);
    if (u) {
      // The tier that served the reply prices it: read with the usage, not on every chunk.
      const tier = json.service_tier ?? this.tier;
      if (typeof tier === 'string' && tier) u.serviceTier = tier;
      this.usage = u;
    }
    if (choice) this.onChoice(out, choice);
  }

  private onChoice(out: StreamPart[], choice: Json): void {
    const delta = obj(choice.delta) ?? obj(choice.message) ?? {};
    this.details.add(delta.reasoning_details);
    const reasoning = readReasoning(delta, this.opts.reasoningField);
    if (reasoning) this.reasoningDelta(out, reasoning);
    // A string is every chunk of nearly every stream: no segment array for it.
    if (typeof delta.content === 'string') {
      if (delta.content) this.content(out, delta.content);
    } else {
      for (const seg of readContentSegments(delta.content)) {
        if (seg.reasoning) this.reasoningDelta(out, seg.text);
        else this.content(out, seg.text);
      }
    }
    if (typeof delta.refusal === 'string' && delta.refusal) this.content(out, delta.refusal);
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      this.closeReasoning(out);
      delta.tool_calls.forEach((tc, i) => this.toolCall(out, tc, i));
    }
    const legacy = obj(delta.function_call);
    if (legacy) this.toolCall(out, { index: 0, function: legacy }, 0);
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) {
      this.finishRaw = choice.finish_reason;
      this.sawFinish = true;
    }
  }

  /** Content text, split into reasoning and answer when the model inlines `<think>`. */
  private content(out: StreamPart[], text: string): void {
    if (!this.think) return this.answer(out, text);
    for (const seg of this.think.push(text)) {
      if (seg.reasoning) this.reasoningDelta(out, seg.text);
      else this.answer(out, seg.text);
    }
  }

  /** Answer text, with the tool calls a model wrote into it (`textTools`) taken out as calls. */
  private answer(out: StreamPart[], text: string): void {
    if (!this.toolText) return this.textDelta(out, text);
    for (const seg of this.toolText.push(text)) this.textSegment(out, seg);
  }

  /** A segment of the text splitter: answer text, a call, or (Harmony's analysis channel) reasoning. */
  private textSegment(out: StreamPart[], seg: ToolTextSegment): void {
    if ('text' in seg) this.textDelta(out, seg.text);
    else if ('call' in seg) this.textCall(out, seg.call);
    else this.reasoningDelta(out, seg.reasoning);
  }

  private textCall(out: StreamPart[], call: TextToolCall): void {
    this.closeReasoning(out);
    const id = newToolCallId();
    const index = this.ordinal++;
    out.push({ type: 'tool-call-start', id, name: call.name, index });
    out.push({ type: 'tool-call-delta', id, index, argumentsDelta: call.arguments });
    out.push({ type: 'tool-call-end', id, index });
  }

  private textDelta(out: StreamPart[], text: string): void {
    this.closeReasoning(out);
    out.push({ type: 'text-delta', text });
  }

  private reasoningDelta(out: StreamPart[], text: string): void {
    this.reasoningOpen = true;
    out.push({ type: 'reasoning-delta', text });
  }

  /**
   * Ends the reasoning under way, carrying the `reasoning_details` read so far (a signed block of
   * its own when no reasoning text came). Blocks read once a tool call is open wait for the finish:
   * a block between a call's start and its end would split the call in a client's stream.
   */
  private closeReasoning(out: StreamPart[]): void {
    const signature = this.calls.size === 0 ? this.details.take() : undefined;
    if (!this.reasoningOpen && signature === undefined) return;
    this.reasoningOpen = false;
    out.push(signature === undefined ? { type: 'reasoning-end' } : { type: 'reasoning-end', signature, origin: REASONING_DETAILS_ORIGIN });
  }

  private toolCall(out: StreamPart[], raw: unknown, position: number): void {
    const tc = obj(raw);
    if (!tc) return;
    const fn = obj(tc.function);
    const key = typeof tc.index === 'number' ? tc.index : position;
    const upstreamId = typeof tc.id === 'string' && tc.id ? tc.id : undefined;
    let call = this.calls.get(key);
    if (call && upstreamId && call.upstreamId && upstreamId !== call.id) {
      this.endCall(out, call);
      call = undefined;
    }
    if (!call) {
      call = { id: upstreamId ?? '', upstreamId: upstreamId !== undefined, index: -1, name: '', held: '', fix: streamArgumentsRepair() };
      this.calls.set(key, call);
    } else if (upstreamId && call.index === -1) {
      // The id came after the first fragments, before the name: the call takes it.
      call.id = upstreamId;
      call.upstreamId = true;
    }
    if (call.index === -1 && typeof fn?.name === 'string') call.name = fn.name;
    const args = fn?.arguments;
    const text = typeof args === 'string' ? args : args && typeof args === 'object' ? JSON.stringify(args) : '';
    if (call.index === -1) {
      if (call.name === '') {
        call.held += text;
        return;
      }
      this.announce(out, call);
    }
    this.argumentsDelta(out, call, text);
  }

  private argumentsDelta(out: StreamPart[], call: OpenCall, text: string): void {
    const fixed = text && call.fix.push(text);
    if (fixed) out.push({ type: 'tool-call-delta', id: call.id, index: call.index, argumentsDelta: fixed });
  }

  /** Starts a call in the hub (with the fragments that waited for its name). */
  private announce(out: StreamPart[], call: OpenCall): void {
    if (call.id === '') call.id = newToolCallId();
    call.index = this.ordinal++;
    out.push({ type: 'tool-call-start', id: call.id, name: call.name, index: call.index });
    this.argumentsDelta(out, call, call.held);
    call.held = '';
  }

  /** Ends a call; one that never got a name is announced without one first. */
  private endCall(out: StreamPart[], call: OpenCall): void {
    if (call.index === -1) this.announce(out, call);
    const rest = call.fix.end();
    if (rest) out.push({ type: 'tool-call-delta', id: call.id, index: call.index, argumentsDelta: rest });
    out.push({ type: 'tool-call-end', id: call.id, index: call.index });
  }

  private fail(out: StreamPart[], error: GatewayError): void {
    this.over = true;
    out.push({ type: 'error', error });
  }

  private finish(out: StreamPart[]): void {
    for (const seg of this.think?.flush() ?? []) {
      if (seg.reasoning) this.reasoningDelta(out, seg.text);
      else this.answer(out, seg.text);
    }
    for (const seg of this.toolText?.flush() ?? []) this.textSegment(out, seg);
    this.closeReasoning(out);
    if (this.calls.size > 0) {
      // In the order the calls started (a call replaced at its index keeps that index's place in the map).
      const open = [...this.calls.values()].sort((a, b) => rank(a) - rank(b));
      for (const c of open) this.endCall(out, c);
    }
    this.calls.clear();
    const late = this.details.take();
    if (late !== undefined) out.push({ type: 'reasoning-end', signature: late, origin: REASONING_DETAILS_ORIGIN });
    this.over = true;
    const part: StreamPart = { type: 'finish', reason: mapOpenAIFinishReason(this.finishRaw, this.ordinal > 0) };
    if (this.finishRaw) part.rawReason = this.finishRaw;
    if (this.usage) part.usage = this.usage;
    out.push(part);
  }
}

/** A call's place among the open ones at the finish: announced ones by ordinal, the others after them. */
function rank(call: OpenCall): number {
  return call.index === -1 ? Number.MAX_SAFE_INTEGER : call.index;
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
