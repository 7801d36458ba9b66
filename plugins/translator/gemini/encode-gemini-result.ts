import type { ChatResult } from '../../../core/types/hub.ts';
import { CarriedBlocks } from './carried-blocks.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { type GeminiGenerateContentResponse, type GeminiOutPart } from './gemini-response-types.ts';
import { wrapRedacted, wrapSignature } from './gemini-signature.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';

/**
 * ChatResult → GenerateContentResponse, field for field as the API sends it: one candidate
 * (`role: "model"`, `index: 0`), `finishReason`, `usageMetadata`, `modelVersion`,
 * `responseId`. Pure.
 *
 * Thought signatures: a Gemini signature on a text or call part stays on it; an empty
 * Gemini reasoning part that only carries a signature puts it on the next part (where Gemini
 * had it); a foreign signature (or redacted payload) is wrapped with its origin on its thought part,
 * and the foreign blocks before a function call ride whole on that call (see `wrapCarried`).
 *
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */
export function encodeGeminiResult(result: ChatResult, fallbackModel?: string): GeminiGenerateContentResponse {
  const parts = encodeGeminiParts(result.content);
  const candidate: GeminiGenerateContentResponse['candidates'][number] = {
    content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' },
    finishReason: mapFinishReasonToGemini(result.finishReason, result.rawFinishReason),
    index: 0,
  };
  const finishMessage = result.providerMetadata?.gemini?.finishMessage;
  if (typeof finishMessage === 'string') candidate.finishMessage = finishMessage;
  const out: GeminiGenerateContentResponse = { candidates: [candidate] };
  if (result.usage) out.usageMetadata = encodeGeminiUsage(result.usage);
  const model = result.model || fallbackModel;
  if (model) out.modelVersion = model;
  if (result.id) out.responseId = result.id;
  return out;
}

/** Hub content → Gemini parts (see `encodeGeminiResult` for the signature rules). */
export function encodeGeminiParts(content: ChatResult['content']): GeminiOutPart[] {
  const out: GeminiOutPart[] = [];
  const carried = new CarriedBlocks();
  let pending: string | undefined;
  const take = (own: unknown): string | undefined => {
    const sig = typeof own === 'string' ? own : pending;
    pending = undefined;
    return sig;
  };
  for (const part of content) {
    if (part.type === 'reasoning') {
      const gemini = part.origin === undefined || part.origin === 'gemini';
      if (gemini && part.text === '' && part.signature) {
        if (pending) out.push({ text: '', thoughtSignature: pending });
        pending = part.signature;
        continue;
      }
      if (part.text === '' && !part.signature && !part.redacted) continue;
      const p: GeminiOutPart = { text: part.text, thought: true };
      if (part.signature) p.thoughtSignature = wrapSignature(part.signature, part.origin);
      else if (part.redacted) p.thoughtSignature = wrapRedacted(part.redacted, part.origin);
      if (!gemini) carried.add(part);
      out.push(p);
    } else if (part.type === 'text') {
      const p: GeminiOutPart = { text: part.text };
      const sig = take(part.providerOptions?.gemini?.thoughtSignature);
      if (sig) p.thoughtSignature = sig;
      out.push(p);
    } else {
      const call: GeminiOutPart['functionCall'] = { name: part.name, args: toolArgumentsObject(part.arguments) };
      const nativeId = part.providerOptions?.gemini?.id;
      if (typeof nativeId === 'string') call.id = nativeId;
      const p: GeminiOutPart = { functionCall: call };
      const own = take(part.providerOptions?.gemini?.thoughtSignature);
      const foreign = carried.take();
      const sig = own ?? foreign;
      if (sig) p.thoughtSignature = sig;
      out.push(p);
    }
  }
  if (pending) out.push({ text: '', thoughtSignature: pending });
  return out;
}
