import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamEncoder } from '../../../core/plugin/types.ts';
import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { encodeSse } from '../../../core/util/sse.ts';
import { wrapSignature } from './anthropic-signature.ts';
import { encodeAnthropicStreamError } from './encode-anthropic-error.ts';
import { toToolUseId } from '../../../core/util/tool-use-id.ts';
import { mapStopReason, toAnthropicUsage, toMessageId } from './map-hub-to-anthropic.ts';

type OpenKind = 'text' | 'thinking';

/**
 * The Messages stream as a state machine: hub parts in, SSE text out. Pure (no I/O), so it is
 * tested part by part.
 *
 * Sequence: `message_start` (held back until the first content part so it can carry the input
 * usage), then per block `content_block_start` / `_delta` / `_stop` with increasing indexes, one
 * `ping` after the first block start (as the API does), `message_delta` with stop reason and
 * usage, `message_stop`. Text and thinking blocks close when anything else starts; tool blocks
 * close on `tool-call-end` (or at the finish). An `error` part yields one `event: error` frame and
 * nothing after it, no `message_stop`.
 *
 * Input usage: `message_start` carries what the upstream reported so far, else the request's
 * estimated size (`estimateInput`), since Anthropic clients read the context size there
 * (Claude Code's context meter) and an upstream such as OpenAI reports usage only at the end;
 * `message_delta` carries the final figures, or the estimate when the upstream sent none
 * (Claude Code then still sees the context grow, and compacts it in time).
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  /** True once a terminal frame (message_stop or error) was produced. */
  finished = false;

  /** `StreamEncoder.closed`: nothing more is written. */
  get closed(): boolean {
    return this.finished;
  }
  private id: string;
  private model: string;
  private started = false;
  private pinged = false;
  private usage: Usage | undefined;
  private nextIndex = 0;
  private current: { kind: OpenKind; index: number } | undefined;
  private readonly tools = new Map<string, number>();

  constructor(fallback: { id: string; model: string }, private readonly estimateInput?: () => number) {
    this.id = fallback.id;
    this.model = fallback.model;
  }

  /** The upstream's usage, or the estimated input when it has reported none. */
  private usageOrEstimate(): Usage | undefined {
    if (this.usage || !this.estimateInput) return this.usage;
    return { inputTokens: this.estimateInput(), outputTokens: 0, estimated: true };
  }

  /** Encodes one part; returns '' when the part produces no frame (yet). */
  push(part: StreamPart): string {
    if (this.finished) return '';
    switch (part.type) {
      case 'start':
        if (!this.started) {
          if (part.id) this.id = part.id;
          if (part.model) this.model = part.model;
        }
        return '';
      case 'usage':
        this.usage = { ...this.usage, ...part.usage };
        return '';
      case 'text-delta':
        return part.text.length === 0 ? '' : this.delta('text', { type: 'text_delta', text: part.text });
      case 'reasoning-delta':
        return part.text.length === 0 ? '' : this.delta('thinking', { type: 'thinking_delta', thinking: part.text });
      case 'reasoning-end':
        return this.reasoningEnd(part);
      case 'tool-call-start':
        return this.toolStart(part.id, part.name);
      case 'tool-call-delta':
        return this.toolDelta(part.id, part.argumentsDelta);
      case 'tool-call-end':
        return this.toolEnd(part.id);
      case 'finish':
        return this.finish(part);
      case 'error':
        this.finished = true;
        return encodeAnthropicStreamError(part.error);
    }
  }

  /** End of the part stream: a stream that never finished is reported as an error. */
  end(): string {
    if (this.finished) return '';
    return this.fail(new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before the message was complete.'));
  }

  /** Reports a failure of the part stream itself. */
  fail(err: GatewayError): string {
    if (this.finished) return '';
    this.finished = true;
    return encodeAnthropicStreamError(err);
  }

  private frame(event: string, data: Record<string, unknown>): string {
    return encodeSse(JSON.stringify({ type: event, ...data }), event);
  }

  private ensureStarted(): string {
    if (this.started) return '';
    this.started = true;
    const usage = toAnthropicUsage(this.usageOrEstimate());
    const message = {
      id: toMessageId(this.id, 'msg_gateway'), type: 'message', role: 'assistant', content: [], model: this.model,
      stop_reason: null, stop_sequence: null, usage,
    };
    return this.frame('message_start', { message });
  }

  private openBlock(block: Record<string, unknown>): { text: string; index: number } {
    const index = this.nextIndex++;
    let text = this.frame('content_block_start', { index, content_block: block });
    if (!this.pinged) {
      this.pinged = true;
      text += this.frame('ping', {});
    }
    return { text, index };
  }

  private closeCurrent(): string {
    if (!this.current) return '';
    const { index } = this.current;
    this.current = undefined;
    return this.frame('content_block_stop', { index });
  }

  /** Makes a block of `kind` the current one, closing whatever block was current. */
  private openSequential(kind: OpenKind): string {
    let out = this.ensureStarted();
    if (this.current?.kind === kind) return out;
    out += this.closeCurrent();
    const opened = this.openBlock(kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' });
    this.current = { kind, index: opened.index };
    return out + opened.text;
  }

  private delta(kind: OpenKind, delta: Record<string, unknown>): string {
    const out = this.openSequential(kind);
    return out + this.frame('content_block_delta', { index: this.current?.index, delta });
  }

  private reasoningEnd(part: Extract<StreamPart, { type: 'reasoning-end' }>): string {
    let out = this.ensureStarted();
    if (part.redacted !== undefined) {
      out += this.closeCurrent();
      const opened = this.openBlock({ type: 'redacted_thinking', data: wrapSignature(part.redacted, part.origin) });
      return out + opened.text + this.frame('content_block_stop', { index: opened.index });
    }
    if (this.current?.kind !== 'thinking') {
      if (!part.signature) return out;
      out += this.openSequential('thinking');
    }
    if (part.signature) {
      const signature = wrapSignature(part.signature, part.origin);
      out += this.frame('content_block_delta', { index: this.current?.index, delta: { type: 'signature_delta', signature } });
    }
    return out + this.closeCurrent();
  }

  private toolStart(id: string, name: string): string {
    if (this.tools.has(id)) return '';
    let out = this.ensureStarted() + this.closeCurrent();
    const opened = this.openBlock({ type: 'tool_use', id: toToolUseId(id), name, input: {} });
    this.tools.set(id, opened.index);
    out += opened.text;
    return out;
  }

  private toolDelta(id: string, fragment: string): string {
    let out = '';
    let index = this.tools.get(id);
    if (index === undefined) {
      out = this.toolStart(id, '');
      index = this.tools.get(id) as number;
    }
    if (fragment.length === 0) return out;
    return out + this.frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fragment } });
  }

  private toolEnd(id: string): string {
    const index = this.tools.get(id);
    if (index === undefined) return '';
    this.tools.delete(id);
    return this.frame('content_block_stop', { index });
  }

  private finish(part: Extract<StreamPart, { type: 'finish' }>): string {
    if (part.usage) this.usage = { ...this.usage, ...part.usage };
    let out = this.ensureStarted() + this.closeCurrent();
    const open = [...this.tools.values()].sort((a, b) => a - b);
    this.tools.clear();
    for (const index of open) out += this.frame('content_block_stop', { index });
    const usage = toAnthropicUsage(this.usageOrEstimate());
    const delta = { stop_reason: mapStopReason(part.reason, part.rawReason, part.stopSequence), stop_sequence: part.stopSequence ?? null };
    out += this.frame('message_delta', { delta, usage });
    this.finished = true;
    return out + this.frame('message_stop', {});
  }
}
