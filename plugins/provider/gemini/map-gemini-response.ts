import type { ChatResult, ProviderOptions, ReasoningPart, TextPart, ToolCallPart } from '../../../core/types/hub.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';
import { mapGeminiUsage } from './map-gemini-usage.ts';
import type { GeminiPart, GeminiResponse } from './gemini-wire-types.ts';

/**
 * The id of a function call Gemini sent without one (older API versions never send ids).
 * Derived from the response id, so it is stable for one response and unique across turns.
 */
export function syntheticCallId(responseId: string | undefined, index: number): string {
  return `call_${responseId ?? crypto.randomUUID().replaceAll('-', '').slice(0, 16)}_${index}`;
}

/**
 * GenerateContentResponse → ChatResult (first candidate).
 * - `thought: true` parts become reasoning (signature kept, origin `gemini`); a signature on a
 *   text or function-call part goes to `providerOptions.gemini.thoughtSignature` and, as the
 *   stream parser does, into an empty reasoning part just before that part; a bare signature
 *   (empty text) becomes an empty reasoning part carrying it.
 * - Function calls keep Gemini's `id` when sent (also as `providerOptions.gemini.id`, so a
 *   Gemini client gets it back), else get `syntheticCallId`.
 * - Code execution parts become fenced text. Inline image output has no hub form and is
 *   skipped.
 * - A prompt blocked before any candidate finishes as `content-filter`.
 *
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */
export function mapGeminiResponse(res: GeminiResponse, opts: { model: string }): ChatResult {
  const candidate = res.candidates?.[0];
  const content: ChatResult['content'] = [];
  let calls = 0;
  for (const p of candidate?.content?.parts ?? []) {
    const mapped = mapPart(p, res.responseId, calls);
    if (!mapped) continue;
    // As in streams: the signature also closes a reasoning block of its own, the hub form every
    // client dialect can carry (an Anthropic or Responses client sends it back from there).
    if (p.thoughtSignature && mapped.type !== 'reasoning') content.push({ type: 'reasoning', text: '', signature: p.thoughtSignature, origin: 'gemini' });
    if (mapped.type === 'tool-call') calls++;
    content.push(mapped);
  }
  const raw = candidate?.finishReason ?? res.promptFeedback?.blockReason;
  const result: ChatResult = {
    id: res.responseId ?? `gemini-${crypto.randomUUID()}`,
    model: res.modelVersion ?? opts.model,
    content,
    finishReason: candidate ? mapGeminiFinishReason(raw, calls > 0) : raw ? 'content-filter' : 'other',
  };
  if (raw !== undefined) result.rawFinishReason = raw;
  if (res.usageMetadata) result.usage = mapGeminiUsage(res.usageMetadata);
  const meta = metadata(res);
  if (meta) result.providerMetadata = { gemini: meta };
  return result;
}

function mapPart(p: GeminiPart, responseId: string | undefined, callIndex: number): TextPart | ToolCallPart | ReasoningPart | undefined {
  const sig = p.thoughtSignature;
  if (p.functionCall) {
    const gemini: Record<string, unknown> = {};
    if (sig) gemini.thoughtSignature = sig;
    if (p.functionCall.id) gemini.id = p.functionCall.id;
    const call: ToolCallPart = {
      type: 'tool-call',
      id: p.functionCall.id ?? syntheticCallId(responseId, callIndex),
      name: p.functionCall.name,
      arguments: JSON.stringify(p.functionCall.args ?? {}),
    };
    if (Object.keys(gemini).length > 0) call.providerOptions = { gemini };
    return call;
  }
  if (p.thought === true) {
    const r: ReasoningPart = { type: 'reasoning', text: p.text ?? '', origin: 'gemini' };
    if (sig) r.signature = sig;
    return r;
  }
  const text = partText(p);
  if (text === undefined || text === '') {
    return sig ? { type: 'reasoning', text: '', signature: sig, origin: 'gemini' } : undefined;
  }
  const t: TextPart = { type: 'text', text };
  if (sig) t.providerOptions = { gemini: { thoughtSignature: sig } } satisfies ProviderOptions;
  return t;
}

/** Text of a text part, or code execution rendered as Markdown. */
export function partText(p: GeminiPart): string | undefined {
  if (typeof p.text === 'string') return p.text;
  if (p.executableCode?.code !== undefined) return `\n\`\`\`${(p.executableCode.language ?? '').toLowerCase()}\n${p.executableCode.code}\n\`\`\`\n`;
  if (p.codeExecutionResult?.output !== undefined) return `\n\`\`\`\n${p.codeExecutionResult.output}\n\`\`\`\n`;
  return undefined;
}

function metadata(res: GeminiResponse): Record<string, unknown> | undefined {
  const c = res.candidates?.[0];
  const meta: Record<string, unknown> = {};
  if (c?.finishMessage) meta.finishMessage = c.finishMessage;
  if (c?.groundingMetadata) meta.groundingMetadata = c.groundingMetadata;
  if (c?.urlContextMetadata) meta.urlContextMetadata = c.urlContextMetadata;
  if (c?.safetyRatings) meta.safetyRatings = c.safetyRatings;
  if (res.promptFeedback) meta.promptFeedback = res.promptFeedback;
  return Object.keys(meta).length > 0 ? meta : undefined;
}
