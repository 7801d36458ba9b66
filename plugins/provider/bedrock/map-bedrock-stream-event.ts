import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { createJsonValueUnwrapper, type JsonValueUnwrapper } from '../../../core/util/unwrap-json-value.ts';
import type { BedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { BEDROCK_ORIGIN } from './convert-to-bedrock-messages.ts';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.ts';
import { mapBedrockUsage, type BedrockWireUsage } from './map-bedrock-usage.ts';

/** An open content block of the answer, by `contentBlockIndex`. */
type OpenBlock =
  | { kind: 'tool'; id: string; index: number }
  | { kind: 'reasoning'; signature?: string; redacted?: string }
  | { kind: 'text' }
  /** The structured-output tool's call: its input is the answer's text (`unwrap`: a wrapped schema's value). */
  | { kind: 'json'; seen: boolean; unwrap?: JsonValueUnwrapper };

/** What the mapper remembers between the events of one answer. */
export interface BedrockStreamState {
  blocks: Map<number, OpenBlock>;
  /** Tool calls seen so far (the next call's `index`). */
  tools: number;
  /** `messageStop`'s reason, once it came. */
  stopReason?: string;
  usage?: Usage;
  /** The structured-output tool trick, when the request asked for JSON. */
  json?: Pick<BedrockJsonTool, 'name' | 'wrapped'>;
  /** The structured-output tool was called: text around it is dropped. */
  jsonCalled?: boolean;
  /** With `json`, text held back until it is known whether the tool gets called. */
  heldText?: string[];
}

/** Fresh state for one stream; `json` turns on the structured-output tool trick. */
export function newBedrockStreamState(json?: Pick<BedrockJsonTool, 'name' | 'wrapped'>): BedrockStreamState {
  return json ? { blocks: new Map(), tools: 0, json, jsonCalled: false, heldText: [] } : { blocks: new Map(), tools: 0 };
}

type Payload = Record<string, unknown>;

/**
 * One ConverseStream event (`:event-type` + JSON payload) as hub parts:
 * - `contentBlockStart {start: {toolUse: {toolUseId, name}}}` → tool-call start (text and
 *   reasoning blocks have no start event: their first delta opens them);
 * - `contentBlockDelta {delta}`: `text` → text; `toolUse.input` (a fragment of the arguments'
 *   JSON text) → tool-call delta; `reasoningContent.text` → reasoning, its `signature` and
 *   `redactedContent` kept for the block's end;
 * - `contentBlockStop` → tool-call end, or reasoning end with the signature (origin `bedrock`);
 * - `messageStop {stopReason}` and `metadata {usage}` → remembered for the finish part, which
 *   the parser sends when the stream ends (`metadata` is the last event);
 * - `messageStart` and unknown events → nothing. Every payload may carry a `p` padding field.
 *
 * With `state.json` (the structured-output tool trick) that tool's call is the answer: its
 * input fragments become text deltas (the `value` of a wrapped schema, unwrapped as it streams)
 * and no tool-call parts; other text is held until the end, dropped when the tool was called,
 * else sent before the finish (`finishBedrockStream`).
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 */
export function mapBedrockStreamEvent(type: string, payload: Payload, state: BedrockStreamState): StreamPart[] {
  const index = typeof payload.contentBlockIndex === 'number' ? payload.contentBlockIndex : 0;
  switch (type) {
    case 'contentBlockStart':
      return blockStart(index, payload.start as Payload | undefined, state);
    case 'contentBlockDelta':
      return blockDelta(index, (payload.delta ?? {}) as Payload, state);
    case 'contentBlockStop':
      return blockStop(index, state);
    case 'messageStop':
      if (typeof payload.stopReason === 'string') state.stopReason = payload.stopReason;
      return [];
    case 'metadata':
      state.usage = mapBedrockUsage(payload.usage as BedrockWireUsage | undefined) ?? state.usage;
      return [];
    default:
      return [];
  }
}

function blockStart(index: number, start: Payload | undefined, state: BedrockStreamState): StreamPart[] {
  const use = start?.toolUse as { toolUseId?: unknown; name?: unknown } | undefined;
  if (typeof use?.toolUseId !== 'string') return [];
  if (state.json && use.name === state.json.name) {
    state.jsonCalled = true;
    state.heldText = [];
    state.blocks.set(index, { kind: 'json', seen: false, ...(state.json.wrapped ? { unwrap: createJsonValueUnwrapper() } : {}) });
    return [];
  }
  const tool = { kind: 'tool' as const, id: use.toolUseId, index: state.tools++ };
  state.blocks.set(index, tool);
  return [{ type: 'tool-call-start', id: tool.id, name: typeof use.name === 'string' ? use.name : '', index: tool.index }];
}

function blockDelta(index: number, delta: Payload, state: BedrockStreamState): StreamPart[] {
  const block = state.blocks.get(index);
  if (typeof delta.text === 'string') {
    if (!block) state.blocks.set(index, { kind: 'text' });
    if (state.json) {
      if (!state.jsonCalled && delta.text) state.heldText?.push(delta.text);
      return [];
    }
    return delta.text ? [{ type: 'text-delta', text: delta.text }] : [];
  }
  const use = delta.toolUse as { input?: unknown } | undefined;
  if (use && block?.kind === 'json') {
    if (typeof use.input !== 'string' || !use.input) return [];
    block.seen = true;
    const text = block.unwrap ? block.unwrap.push(use.input) : use.input;
    return text ? [{ type: 'text-delta', text }] : [];
  }
  if (use && block?.kind === 'tool') {
    return typeof use.input === 'string' && use.input ? [{ type: 'tool-call-delta', id: block.id, index: block.index, argumentsDelta: use.input }] : [];
  }
  const r = delta.reasoningContent as { text?: unknown; signature?: unknown; redactedContent?: unknown } | undefined;
  if (!r) return [];
  const reasoning = block?.kind === 'reasoning' ? block : { kind: 'reasoning' as const };
  state.blocks.set(index, reasoning);
  if (typeof r.signature === 'string') reasoning.signature = r.signature;
  if (typeof r.redactedContent === 'string') reasoning.redacted = (reasoning.redacted ?? '') + r.redactedContent;
  return typeof r.text === 'string' && r.text ? [{ type: 'reasoning-delta', text: r.text }] : [];
}

function blockStop(index: number, state: BedrockStreamState): StreamPart[] {
  const block = state.blocks.get(index);
  state.blocks.delete(index);
  if (block?.kind === 'tool') return [{ type: 'tool-call-end', id: block.id, index: block.index }];
  if (block?.kind === 'json') {
    // A call whose input never came in fragments: an empty object.
    const text = block.seen ? (block.unwrap?.end() ?? '') : '{}';
    return text ? [{ type: 'text-delta', text }] : [];
  }
  if (block?.kind !== 'reasoning') return [];
  const sealed = block.signature !== undefined || block.redacted !== undefined;
  return [{
    type: 'reasoning-end',
    ...(block.signature !== undefined ? { signature: block.signature } : {}),
    ...(block.redacted !== undefined ? { redacted: block.redacted } : {}),
    ...(sealed ? { origin: BEDROCK_ORIGIN } : {}),
  }];
}

/**
 * The parts that end a stream whose `messageStop` came: the held text of a structured-output
 * request whose tool was not called, then `finish` with the stop reason (`tool_use` becomes
 * `stop`, raw `end_turn`, when the structured-output tool was the only one called) and usage.
 */
export function finishBedrockStream(state: BedrockStreamState & { stopReason: string }): StreamPart[] {
  const parts: StreamPart[] = [];
  if (!state.jsonCalled && state.heldText?.length) parts.push({ type: 'text-delta', text: state.heldText.join('') });
  let reason = mapBedrockStopReason(state.stopReason);
  let rawReason = state.stopReason;
  if (state.jsonCalled && state.tools === 0 && reason === 'tool-calls') {
    reason = 'stop';
    rawReason = 'end_turn';
  }
  parts.push({ type: 'finish', reason, rawReason, ...(state.usage ? { usage: state.usage } : {}) });
  return parts;
}
