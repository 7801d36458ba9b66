import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { FinishReason, StreamPart, Usage } from '../../../core/types/hub.ts';
import { CarriedBlocks } from './carried-blocks.ts';
import { encodeGeminiErrorBody, type GeminiErrorBody } from './encode-gemini-error.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { type GeminiGenerateContentResponse, type GeminiOutCandidate, type GeminiOutPart } from './gemini-response-types.ts';
import { wrapRedacted, wrapSignature } from './gemini-signature.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';
import { unwrapEnumAnswer } from './enum-answer.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';

/** A frame to write: a response chunk, or the error object that ends the stream. */
export type GeminiFrame = GeminiGenerateContentResponse | GeminiErrorBody;

/**
 * Turns hub stream parts into GenerateContentResponse chunks the way the API streams. Parts
 * are collected with `push` and written with `flush`, so parts that arrive together (one
 * upstream chunk) leave as one chunk, as Google sends them:
 * - text and thoughts: consecutive deltas of one kind join into one part;
 * - function calls go out whole (Gemini never streams argument fragments): deltas are
 *   buffered until `tool-call-end`;
 * - a Gemini thought signature (`reasoning-end`, origin gemini) rides on the next part, as
 *   Gemini places it; a foreign one (or a foreign redacted payload) is wrapped on an empty
 *   thought part, and the foreign blocks before a function call ride whole on that call;
 * - the answer to a `text/x.enum` request is held and leaves bare with the last chunk (an
 *   enum value is a few tokens; unwrapped, see `unwrapEnumAnswer`);
 * - the last chunk carries `finishReason` and `usageMetadata`. A finish without usage is held
 *   until the usage part arrives or the input ends (OpenAI-style upstreams send usage after
 *   the finish).
 * An `error` part becomes the error object (after what was collected); nothing follows it.
 */
export class GeminiStreamEncoder {
  private responseId: string;
  private model: string;
  private pendingSignature: string | undefined;
  /** Text of the reasoning block under way, and the foreign blocks ended since the last call. */
  private thinking = '';
  private readonly carried = new CarriedBlocks();
  private parts: GeminiOutPart[] = [];
  private readonly calls = new Map<string, { name: string; args: string; index: number; nativeId?: unknown }>();
  private finish: { reason: FinishReason; raw?: string; usage?: Usage } | undefined;
  private usage: Usage | undefined;
  /** True once the terminal frame (finish or error) was produced. */
  done = false;

  /** The answer text of a `text/x.enum` request, held until the finish (undefined otherwise). */
  private enumText: string | undefined;

  constructor(fallback: { id: string; model: string }, opts: { enumAnswer?: boolean } = {}) {
    this.responseId = fallback.id;
    this.model = fallback.model;
    if (opts.enumAnswer) this.enumText = '';
  }

  /** True when `flush` would write something (a finish still waiting for its usage writes nothing). */
  get hasPending(): boolean {
    return !this.done && (this.ready() || (this.parts.length > 0 && !this.finish));
  }

  /** Collects one part. Only an error (the terminal frame) is written at once. */
  push(part: StreamPart): GeminiFrame[] {
    if (this.done) return [];
    switch (part.type) {
      case 'start':
        if (part.id) this.responseId = part.id;
        if (part.model) this.model = part.model;
        break;
      case 'text-delta':
        if (this.enumText !== undefined) this.enumText += part.text;
        else if (part.text !== '') this.addText(part.text, false);
        break;
      case 'reasoning-delta':
        if (part.text !== '') this.addText(part.text, true);
        this.thinking += part.text;
        break;
      case 'reasoning-end':
        this.reasoningEnd(part.signature, part.origin, part.redacted);
        break;
      case 'tool-call-start':
        this.calls.set(part.id, { name: part.name, args: '', index: part.index, nativeId: part.providerOptions?.gemini?.id });
        break;
      case 'tool-call-delta': {
        const call = this.calls.get(part.id);
        if (call) call.args += part.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        this.endCall(part.id);
        break;
      case 'usage':
        this.usage = part.usage;
        break;
      case 'finish':
        this.finish = { reason: part.reason, raw: part.rawReason, usage: part.usage };
        break;
      case 'error':
        return this.fail(part.error);
    }
    return [];
  }

  /** Writes what was collected: one chunk, the final one once the finish (and its usage) is known. */
  flush(): GeminiFrame[] {
    if (this.done) return [];
    if (this.ready()) return [this.last()];
    if (this.finish || this.parts.length === 0) return [];
    return [this.chunk(this.take())];
  }

  /** End of input: the last chunk, or an error frame for a stream that never finished. */
  end(): GeminiFrame[] {
    if (this.done) return [];
    if (!this.finish) {
      return this.fail(new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before it finished.', { status: 502 }));
    }
    return [this.last()];
  }

  /** Content collected so far, then the error frame; after a finish the stream ends as finished. */
  fail(err: GatewayError): GeminiFrame[] {
    if (this.done) return [];
    if (this.finish) return [this.last()];
    const frames: GeminiFrame[] = this.parts.length > 0 ? [this.chunk(this.take())] : [];
    frames.push(encodeGeminiErrorBody(err));
    this.done = true;
    return frames;
  }

  private ready(): boolean {
    return this.finish !== undefined && (this.finish.usage !== undefined || this.usage !== undefined);
  }

  private last(): GeminiGenerateContentResponse {
    for (const [id] of [...this.calls.entries()].sort((a, b) => a[1].index - b[1].index)) this.endCall(id);
    if (this.enumText) this.addText(unwrapEnumAnswer(this.enumText), false);
    if (this.pendingSignature) this.parts.push(this.sign({ text: '' }));
    const finish = this.finish!;
    const chunk = this.chunk(this.take(), mapFinishReasonToGemini(finish.reason, finish.raw));
    const usage = finish.usage ?? this.usage;
    if (usage) chunk.usageMetadata = encodeGeminiUsage(usage);
    this.done = true;
    return chunk;
  }

  private addText(text: string, thought: boolean): void {
    const last = this.parts[this.parts.length - 1];
    if (last && last.functionCall === undefined && (last.thought === true) === thought && !(thought && last.thoughtSignature)) {
      last.text = (last.text ?? '') + text;
      return;
    }
    this.parts.push(thought ? { text, thought: true } : this.sign({ text }));
  }

  private reasoningEnd(signature: string | undefined, origin: string | undefined, redacted?: string): void {
    this.carried.add({ text: this.thinking, signature, redacted, origin });
    this.thinking = '';
    if (!signature) {
      // A foreign redacted payload (OpenAI encrypted reasoning) rides on an empty thought part.
      if (redacted) this.parts.push({ text: '', thought: true, thoughtSignature: wrapRedacted(redacted, origin) });
      return;
    }
    if (origin === undefined || origin === 'gemini') {
      if (this.pendingSignature) this.parts.push(this.sign({ text: '' }));
      this.pendingSignature = signature;
      return;
    }
    this.parts.push({ text: '', thought: true, thoughtSignature: wrapSignature(signature, origin) });
  }

  private endCall(id: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    const functionCall: GeminiOutPart['functionCall'] = { name: call.name, args: toolArgumentsObject(call.args) };
    // The id Gemini gave the call goes back with it, as in the JSON reply: its response names it.
    if (typeof call.nativeId === 'string') functionCall.id = call.nativeId;
    const p = this.sign({ functionCall });
    const foreign = this.carried.take();
    if (!p.thoughtSignature && foreign) p.thoughtSignature = foreign;
    this.parts.push(p);
  }

  private sign(p: GeminiOutPart): GeminiOutPart {
    if (this.pendingSignature) {
      p.thoughtSignature = this.pendingSignature;
      this.pendingSignature = undefined;
    }
    return p;
  }

  private take(): GeminiOutPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  /**
   * One chunk, keys in the API's order. A last chunk with nothing left to say carries one empty
   * text part, as Gemini's own last chunk does: `@google/genai`'s chat session counts a streamed
   * chunk without parts as an invalid reply and drops the whole answer from its history.
   */
  private chunk(parts: GeminiOutPart[], finishReason?: string): GeminiGenerateContentResponse {
    if (parts.length === 0 && finishReason) parts.push({ text: '' });
    const content: GeminiOutCandidate['content'] = parts.length > 0 ? { parts, role: 'model' } : { role: 'model' };
    return {
      candidates: [finishReason ? { content, finishReason, index: 0 } : { content, index: 0 }],
      modelVersion: this.model,
      responseId: this.responseId,
    };
  }
}
