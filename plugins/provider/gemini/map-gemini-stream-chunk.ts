import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { mapGeminiStreamError } from './map-gemini-error.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';
import { partText, syntheticCallId } from './map-gemini-response.ts';
import { mapGeminiUsage } from './map-gemini-usage.ts';
import type { GeminiPart, GeminiResponse } from './gemini-wire-types.ts';

/** What the mapper remembers between chunks of one stream. */
export interface GeminiStreamState {
  /** Fallback model name when chunks carry no `modelVersion`. */
  model: string;
  /** Account secret, redacted from in-stream error messages. */
  secret?: string;
  started: boolean;
  /** A finish part was emitted; later chunks may only update usage. */
  finished: boolean;
  /** An error part was emitted; nothing follows. */
  failed: boolean;
  responseId?: string;
  /** A thought block is open (reasoning deltas without a closing signature yet). */
  inReasoning: boolean;
  toolCalls: number;
  usage?: Usage;
}

export function createGeminiStreamState(opts: { model: string; secret?: string }): GeminiStreamState {
  return { model: opts.model, secret: opts.secret, started: false, finished: false, failed: false, inReasoning: false, toolCalls: 0 };
}

/**
 * One streamed GenerateContentResponse chunk → hub parts.
 * - first chunk: `start` (responseId, modelVersion);
 * - thoughts → `reasoning-delta`; a thought signature → `reasoning-end` with the signature
 *   (origin `gemini`): on the thought part that carries it, the block it closes; on a text or
 *   call part (where Gemini 3 puts it for calls), an empty block of its own just before that
 *   part, after the open thought block is closed unsigned (as `mapGeminiResponse` does);
 * - text → `text-delta`; functionCall (always whole) → tool-call start (its signature also in
 *   `providerOptions.gemini.thoughtSignature`), one delta with the full JSON arguments, end,
 *   with `syntheticCallId` when Gemini sent no id;
 * - `usageMetadata` (running counts on every chunk) → a `usage` part when it changed, after
 *   the chunk's content; `finishReason` (or a blocked prompt) → `finish` with the latest usage
 *   instead; usage that changes after the finish is sent as a `usage` part;
 * - `{"error":…}` → one `error` part.
 *
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function mapGeminiStreamChunk(chunk: GeminiResponse, state: GeminiStreamState): StreamPart[] {
  if (state.failed) return [];
  if (chunk.error) {
    state.failed = true;
    return [{ type: 'error', error: mapGeminiStreamError(chunk, state.secret) }];
  }
  const out: StreamPart[] = [];
  let changed = false;
  if (chunk.usageMetadata) {
    const usage = mapGeminiUsage(chunk.usageMetadata);
    changed = !sameUsage(usage, state.usage);
    state.usage = usage;
  }
  if (state.finished) {
    if (changed) out.push({ type: 'usage', usage: state.usage! });
    return out;
  }
  if (!state.started) {
    state.started = true;
    state.responseId = chunk.responseId;
    out.push({ type: 'start', id: chunk.responseId ?? `gemini-${crypto.randomUUID()}`, model: chunk.modelVersion ?? state.model });
  }
  const candidate = chunk.candidates?.[0];
  for (const p of candidate?.content?.parts ?? []) mapPart(p, state, out);
  const raw = candidate?.finishReason ?? (candidate ? undefined : chunk.promptFeedback?.blockReason);
  if (raw !== undefined) {
    if (state.inReasoning) out.push({ type: 'reasoning-end', origin: 'gemini' });
    state.inReasoning = false;
    state.finished = true;
    const reason = candidate ? mapGeminiFinishReason(raw, state.toolCalls > 0) : 'content-filter';
    const finish: Extract<StreamPart, { type: 'finish' }> = { type: 'finish', reason, rawReason: raw };
    if (state.usage) finish.usage = state.usage;
    out.push(finish);
  } else if (changed) {
    // The running counts, so a stream cut before its finish is still billed by them.
    out.push({ type: 'usage', usage: state.usage! });
  }
  return out;
}

function sameUsage(a: Usage, b: Usage | undefined): boolean {
  return b !== undefined && a.inputTokens === b.inputTokens && a.outputTokens === b.outputTokens &&
    a.cachedInputTokens === b.cachedInputTokens && a.reasoningTokens === b.reasoningTokens;
}

function mapPart(p: GeminiPart, state: GeminiStreamState, out: StreamPart[]): void {
  const sig = p.thoughtSignature;
  if (p.thought === true) {
    if (p.text) out.push({ type: 'reasoning-delta', text: p.text });
    if (sig) {
      out.push({ type: 'reasoning-end', signature: sig, origin: 'gemini' });
      state.inReasoning = false;
    } else if (p.text) {
      state.inReasoning = true;
    }
    return;
  }
  // The signature belongs to this part, not to the thoughts before it: the open block closes
  // unsigned, and the signature gets a block of its own, which the next turn puts back on the
  // part after it (Gemini 3 checks it on the function call), as for a JSON reply.
  if (state.inReasoning) out.push({ type: 'reasoning-end', origin: 'gemini' });
  state.inReasoning = false;
  if (sig) out.push({ type: 'reasoning-end', signature: sig, origin: 'gemini' });
  if (p.functionCall) {
    const index = state.toolCalls++;
    const id = p.functionCall.id ?? syntheticCallId(state.responseId, index);
    const gemini: Record<string, unknown> = {};
    if (p.functionCall.id !== undefined) gemini.id = p.functionCall.id;
    if (sig) gemini.thoughtSignature = sig;
    out.push(Object.keys(gemini).length === 0
      ? { type: 'tool-call-start', id, name: p.functionCall.name, index }
      : { type: 'tool-call-start', id, name: p.functionCall.name, index, providerOptions: { gemini } });
    out.push({ type: 'tool-call-delta', id, index, argumentsDelta: JSON.stringify(p.functionCall.args ?? {}) });
    out.push({ type: 'tool-call-end', id, index });
    return;
  }
  const text = partText(p);
  if (text) out.push({ type: 'text-delta', text });
}
