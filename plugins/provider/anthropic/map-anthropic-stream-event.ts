import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { mapAnthropicStreamError } from './map-anthropic-error.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import type { JsonToolOptions } from './map-anthropic-response.ts';
import { mapAnthropicUsage, type AnthropicWireUsage } from './map-anthropic-usage.ts';
import { jsonToolAnswer } from '../../../core/util/json-output-tool.ts';
import { createJsonValueUnwrapper, type JsonValueUnwrapper } from '../../../core/util/unwrap-json-value.ts';

/** One decoded Messages stream event (the JSON of an SSE `data:` line). */
export interface AnthropicStreamEvent {
  type: string;
  [key: string]: unknown;
}

interface BlockState {
  kind: 'text' | 'thinking' | 'tool' | 'json' | 'other';
  id?: string;
  toolIndex?: number;
  input?: unknown;
  signature?: string;
  argsSeen?: boolean;
  /** The structured-output tool's input is `{value: X}`: streams X. */
  unwrap?: JsonValueUnwrapper;
}

/** What the mapper remembers between events of one stream. */
export interface AnthropicStreamState {
  /** Name of the structured-output tool whose input is the answer text (tool trick). */
  readonly jsonTool?: string;
  /** That tool's schema was wrapped as `{value: …}`: its `value` is the answer. */
  readonly jsonWrapped?: boolean;
  readonly blocks: Map<number, BlockState>;
  toolCount: number;
  usage?: Usage;
  stopReason?: string | null;
  stopSequence?: string | null;
  /** True after `message_stop` or an `error` event: nothing more is mapped. */
  done: boolean;
  jsonCalled: boolean;
  /** Text held back in tool-trick mode until we know whether the tool will be called. */
  heldText: string[];
  /** A block the hub does not model came (server tool use and results: web search, code execution). */
  opaque?: boolean;
}

/** Fresh state for one stream; `jsonTool` turns on the structured-output tool trick. */
export function createAnthropicStreamState(opts: JsonToolOptions = {}): AnthropicStreamState {
  return { jsonTool: opts.jsonTool, jsonWrapped: opts.jsonWrapped, blocks: new Map(), toolCount: 0, done: false, jsonCalled: false, heldText: [] };
}

/**
 * Maps one Messages stream event to hub parts. Tool calls carry Anthropic's `tool_use` id; a
 * thinking block ends with `reasoning-end` carrying the accumulated signature (origin
 * `anthropic`); usage from `message_start` is updated by `message_delta`; `message_stop` yields
 * the `finish`; `event: error` yields an `error` part (overloaded → retryable).
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function mapAnthropicStreamEvent(event: AnthropicStreamEvent, state: AnthropicStreamState): StreamPart[] {
  if (state.done) return [];
  switch (event.type) {
    case 'message_start': {
      const message = (event.message ?? {}) as { id?: string; model?: string; usage?: AnthropicWireUsage };
      const parts: StreamPart[] = [{ type: 'start', id: message.id ?? '', model: message.model ?? '' }];
      if (message.usage) {
        state.usage = mapAnthropicUsage(message.usage);
        parts.push({ type: 'usage', usage: state.usage });
      }
      return parts;
    }
    case 'content_block_start':
      return blockStart(Number(event.index), (event.content_block ?? {}) as Record<string, unknown>, state);
    case 'content_block_delta':
      return blockDelta(state.blocks.get(Number(event.index)), (event.delta ?? {}) as Record<string, unknown>, state);
    case 'content_block_stop':
      return blockStop(Number(event.index), state);
    case 'message_delta': {
      const delta = (event.delta ?? {}) as { stop_reason?: string | null; stop_sequence?: string | null };
      if (delta.stop_reason !== undefined) state.stopReason = delta.stop_reason;
      if (delta.stop_sequence !== undefined) state.stopSequence = delta.stop_sequence;
      if (event.usage) state.usage = mapAnthropicUsage(event.usage as AnthropicWireUsage, state.usage);
      return [];
    }
    case 'message_stop':
      return finish(state);
    case 'error':
      state.done = true;
      return [{ type: 'error', error: mapAnthropicStreamError(event) }];
    default:
      return []; // ping and event types added after this was written
  }
}

function text(value: string, state: AnthropicStreamState): StreamPart[] {
  if (value.length === 0) return [];
  if (state.jsonTool !== undefined) {
    if (!state.jsonCalled) state.heldText.push(value);
    return [];
  }
  return [{ type: 'text-delta', text: value }];
}

function blockStart(index: number, block: Record<string, unknown>, state: AnthropicStreamState): StreamPart[] {
  switch (block.type) {
    case 'text':
      state.blocks.set(index, { kind: 'text' });
      return text(String(block.text ?? ''), state);
    case 'thinking': {
      state.blocks.set(index, { kind: 'thinking', signature: String(block.signature ?? '') });
      const thinking = String(block.thinking ?? '');
      return thinking.length > 0 ? [{ type: 'reasoning-delta', text: thinking }] : [];
    }
    case 'redacted_thinking':
      state.blocks.set(index, { kind: 'other' });
      return [{ type: 'reasoning-end', redacted: String(block.data ?? ''), origin: 'anthropic' }];
    case 'tool_use': {
      const name = String(block.name ?? '');
      if (state.jsonTool !== undefined && name === state.jsonTool) {
        state.jsonCalled = true;
        state.heldText = [];
        state.blocks.set(index, { kind: 'json', input: block.input, ...(state.jsonWrapped ? { unwrap: createJsonValueUnwrapper() } : {}) });
        return [];
      }
      const b: BlockState = { kind: 'tool', id: String(block.id ?? ''), toolIndex: state.toolCount++, input: block.input };
      state.blocks.set(index, b);
      return [{ type: 'tool-call-start', id: b.id as string, name, index: b.toolIndex as number }];
    }
    default:
      state.blocks.set(index, { kind: 'other' });
      state.opaque = true;
      return [];
  }
}

function blockDelta(b: BlockState | undefined, delta: Record<string, unknown>, state: AnthropicStreamState): StreamPart[] {
  if (!b) return [];
  switch (delta.type) {
    case 'text_delta':
      return b.kind === 'text' ? text(String(delta.text ?? ''), state) : [];
    case 'thinking_delta': {
      const thinking = String(delta.thinking ?? '');
      return b.kind === 'thinking' && thinking.length > 0 ? [{ type: 'reasoning-delta', text: thinking }] : [];
    }
    case 'signature_delta':
      if (b.kind === 'thinking') b.signature = (b.signature ?? '') + String(delta.signature ?? '');
      return [];
    case 'input_json_delta': {
      const fragment = String(delta.partial_json ?? '');
      if (fragment.length === 0) return [];
      b.argsSeen = true;
      if (b.kind === 'json') {
        const text = b.unwrap ? b.unwrap.push(fragment) : fragment;
        return text ? [{ type: 'text-delta', text }] : [];
      }
      if (b.kind !== 'tool') return [];
      return [{ type: 'tool-call-delta', id: b.id as string, index: b.toolIndex as number, argumentsDelta: fragment }];
    }
    default:
      return [];
  }
}

function blockStop(index: number, state: AnthropicStreamState): StreamPart[] {
  const b = state.blocks.get(index);
  if (!b) return [];
  state.blocks.delete(index);
  if (b.kind === 'thinking') {
    const end: StreamPart = { type: 'reasoning-end', origin: 'anthropic' };
    if (b.signature) end.signature = b.signature;
    return [end];
  }
  if (b.kind === 'json') {
    // A call without any input_json_delta carries its whole input on content_block_start.
    const text = b.argsSeen ? (b.unwrap?.end() ?? '') : JSON.stringify(jsonToolAnswer(b.input ?? {}, state.jsonWrapped));
    return text ? [{ type: 'text-delta', text }] : [];
  }
  const whole = b.argsSeen ? undefined : JSON.stringify(b.input ?? {});
  if (b.kind !== 'tool') return [];
  const id = b.id as string;
  const toolIndex = b.toolIndex as number;
  const parts: StreamPart[] = [];
  if (whole !== undefined) parts.push({ type: 'tool-call-delta', id, index: toolIndex, argumentsDelta: whole });
  parts.push({ type: 'tool-call-end', id, index: toolIndex });
  return parts;
}

function finish(state: AnthropicStreamState): StreamPart[] {
  state.done = true;
  const parts: StreamPart[] = [];
  if (state.jsonTool !== undefined && !state.jsonCalled && state.heldText.length > 0) {
    parts.push({ type: 'text-delta', text: state.heldText.join('') });
  }
  let reason = mapAnthropicStopReason(state.stopReason);
  let raw = state.stopReason ?? undefined;
  if (state.jsonCalled && state.toolCount === 0 && reason === 'tool-calls') {
    reason = 'stop';
    raw = 'end_turn';
  }
  const end: Extract<StreamPart, { type: 'finish' }> = { type: 'finish', reason };
  if (raw) end.rawReason = raw;
  if (state.stopSequence) end.stopSequence = state.stopSequence;
  if (state.usage) end.usage = state.usage;
  if (state.opaque) end.opaqueOutput = true;
  parts.push(end);
  return parts;
}
