import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { FinishReason, StreamPart, Usage } from '../../../core/types/hub.ts';
import { encodeGeminiErrorBody, type GeminiErrorBody } from './encode-gemini-error.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { parseArgs, type GeminiGenerateContentResponse, type GeminiOutPart } from './gemini-response-types.ts';
import { wrapSignature } from './gemini-signature.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';

/** A frame to write: a response chunk, or the error object that ends the stream. */
export type GeminiFrame = GeminiGenerateContentResponse | GeminiErrorBody;

/**
 * Turns hub stream parts into GenerateContentResponse chunks, one per content part, the way
 * the API streams:
 * - text and thoughts go out as they come;
 * - function calls go out whole (Gemini never streams argument fragments): deltas are
 *   buffered until `tool-call-end`;
 * - a Gemini thought signature (`reasoning-end`, origin gemini) rides on the next part, as
 *   Gemini places it; a foreign one is wrapped on an empty thought part;
 * - the last chunk carries `finishReason` and `usageMetadata`. A finish without usage is held
 *   until the usage part arrives or the input ends (OpenAI-style upstreams send usage after
 *   the finish).
 * An `error` part becomes the error object; nothing follows it.
 */
export class GeminiStreamEncoder {
  private responseId: string;
  private model: string;
  private pendingSignature: string | undefined;
  private readonly calls = new Map<string, { name: string; args: string; index: number }>();
  private finish: { reason: FinishReason; raw?: string; usage?: Usage } | undefined;
  private usage: Usage | undefined;
  /** True once the terminal frame (finish or error) was produced. */
  done = false;

  constructor(fallback: { id: string; model: string }) {
    this.responseId = fallback.id;
    this.model = fallback.model;
  }

  /** Frames produced by one part (often none). */
  push(part: StreamPart): GeminiFrame[] {
    if (this.done) return [];
    switch (part.type) {
      case 'start':
        if (part.id) this.responseId = part.id;
        if (part.model) this.model = part.model;
        return [];
      case 'text-delta':
        return part.text === '' ? [] : [this.chunk([this.sign({ text: part.text })])];
      case 'reasoning-delta':
        return part.text === '' ? [] : [this.chunk([{ text: part.text, thought: true }])];
      case 'reasoning-end':
        return this.reasoningEnd(part.signature, part.origin);
      case 'tool-call-start':
        this.calls.set(part.id, { name: part.name, args: '', index: part.index });
        return [];
      case 'tool-call-delta': {
        const call = this.calls.get(part.id);
        if (call) call.args += part.argumentsDelta;
        return [];
      }
      case 'tool-call-end':
        return this.endCall(part.id);
      case 'usage':
        this.usage = part.usage;
        return this.finish ? this.end() : [];
      case 'finish':
        this.finish = { reason: part.reason, raw: part.rawReason, usage: part.usage };
        return part.usage ? this.end() : this.flushCalls();
      case 'error':
        return this.fail(part.error);
    }
  }

  /** End of input: the held finish, or an error frame for a stream that never finished. */
  end(): GeminiFrame[] {
    if (this.done) return [];
    if (!this.finish) {
      return this.fail(new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before it finished.', { status: 502 }));
    }
    const frames = this.flushCalls();
    const parts: GeminiOutPart[] = this.pendingSignature ? [this.sign({ text: '' })] : [];
    const last = this.chunk(parts);
    const candidate = last.candidates[0];
    candidate.finishReason = mapFinishReasonToGemini(this.finish.reason, this.finish.raw);
    const usage = this.finish.usage ?? this.usage;
    if (usage) last.usageMetadata = encodeGeminiUsage(usage);
    frames.push(last);
    this.done = true;
    return frames;
  }

  /** The error frame; after a finish was seen, the stream ends as finished instead. */
  fail(err: GatewayError): GeminiFrame[] {
    if (this.done) return [];
    if (this.finish) return this.end();
    this.done = true;
    return [encodeGeminiErrorBody(err)];
  }

  private reasoningEnd(signature: string | undefined, origin: string | undefined): GeminiFrame[] {
    if (!signature) return [];
    if (origin === undefined || origin === 'gemini') {
      const frames: GeminiFrame[] = this.pendingSignature ? [this.chunk([this.sign({ text: '' })])] : [];
      this.pendingSignature = signature;
      return frames;
    }
    return [this.chunk([{ text: '', thought: true, thoughtSignature: wrapSignature(signature, origin) }])];
  }

  private endCall(id: string): GeminiFrame[] {
    const call = this.calls.get(id);
    if (!call) return [];
    this.calls.delete(id);
    return [this.chunk([this.sign({ functionCall: { name: call.name, args: parseArgs(call.args) } })])];
  }

  /** Calls still open at the finish go out whole, in index order. */
  private flushCalls(): GeminiFrame[] {
    const open = [...this.calls.entries()].sort((a, b) => a[1].index - b[1].index);
    return open.flatMap(([id]) => this.endCall(id));
  }

  private sign(p: GeminiOutPart): GeminiOutPart {
    if (this.pendingSignature) {
      p.thoughtSignature = this.pendingSignature;
      this.pendingSignature = undefined;
    }
    return p;
  }

  private chunk(parts: GeminiOutPart[]): GeminiGenerateContentResponse {
    return {
      candidates: [{ content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' }, index: 0 }],
      modelVersion: this.model,
      responseId: this.responseId,
    };
  }
}
