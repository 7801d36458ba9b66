import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { encodeParts } from '../../../core/pipeline/encoded-body.ts';
import type { StreamPart, Usage } from '../../../core/types/hub.ts';
import { encodeOpenAIStreamError } from './encode-openai-error.ts';
import { encodeOpenAIUsage } from './encode-openai-usage.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';

/** What the chunks carry when no `start` part says otherwise. */
export interface OpenAIChatStreamOptions {
  id: string;
  model: string;
  /** The client sent `stream_options.include_usage: true`. */
  streamUsage: boolean;
  created?: number;
}

const DONE = 'data: [DONE]\n\n';
const ROLE_DELTA = '{"role":"assistant","content":"","refusal":null}';
/** The arguments of a call the upstream sent without any: clients parse them as JSON. */
const NO_ARGUMENTS = '{}';

/**
 * The stateful part → SSE text encoder behind {@link encodeOpenAIChatStream}. `push` returns
 * the frames for one part ('' when the part produces none); `end` the closing frames. After
 * an error frame, or once `[DONE]` went out, `closed` is true and further parts are ignored.
 */
export interface OpenAIChatChunkEncoder {
  push(part: StreamPart): string;
  /** The source ended. Emits the usage chunk and `[DONE]`, or an error if no finish came. */
  end(): string;
  /** Source failed: one error frame (unless the stream already finished). */
  fail(err: GatewayError): string;
  readonly closed: boolean;
}

/**
 * Creates the chunk encoder. Output matches what the API streams: the first chunk carries the
 * assistant role (alone before text, merged into the first tool call as the API does), tool
 * calls are announced with `index`, `id`, `type`, `function.name` and `arguments: ""`, then
 * argument fragments keyed by `index` (`{}` for a call that ended without any, as the API sends
 * for a function without parameters); a finish chunk with an empty delta; the `choices: []`
 * usage chunk only when the client asked for it; `[DONE]`. An `error` part becomes one
 * `data: {"error":…}` frame and the stream ends without `[DONE]` or `finish_reason`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createOpenAIChatChunkEncoder(opts: OpenAIChatStreamOptions): OpenAIChatChunkEncoder {
  return new ChunkEncoder(opts);
}

class ChunkEncoder implements OpenAIChatChunkEncoder {
  private id: string;
  private model: string;
  private created: number;
  /** `data: {"id":…,"model":…,` — fixed once the first chunk is written. */
  private prefix = '';
  private roleSent = false;
  private finished = false;
  closed = false;
  private usage: Usage | undefined;
  /** Indexes of the tool calls announced whose arguments have not started yet. */
  private readonly noArguments = new Set<number>();

  constructor(private readonly opts: OpenAIChatStreamOptions) {
    this.id = opts.id;
    this.model = opts.model;
    this.created = opts.created ?? Math.floor(Date.now() / 1000);
  }

  push(part: StreamPart): string {
    if (this.closed) return '';
    if (this.finished) {
      // After finish_reason only a late usage figure matters; a late error cannot undo it.
      if (part.type === 'usage') this.usage = part.usage;
      return '';
    }
    return this.onPart(part);
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    if (!this.finished) {
      return encodeOpenAIStreamError(
        new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream stream ended before the response was complete.', { retryable: true }),
      );
    }
    const usage = this.opts.streamUsage ? `${this.head()}"choices":[],"usage":${JSON.stringify(encodeOpenAIUsage(this.usage))}}\n\n` : '';
    return usage + DONE;
  }

  fail(err: GatewayError): string {
    if (this.closed) return '';
    if (this.finished) return this.end();
    this.closed = true;
    return encodeOpenAIStreamError(err);
  }

  private onPart(part: StreamPart): string {
    switch (part.type) {
      case 'start':
        if (this.prefix === '') {
          this.id = part.id || this.id;
          this.model = part.model || this.model;
          this.created = part.created ?? this.created;
        }
        return '';
      case 'text-delta':
        return part.text === '' ? '' : this.role() + this.frame(`{"content":${JSON.stringify(part.text)}}`);
      case 'reasoning-delta':
        return part.text === '' ? '' : this.role() + this.frame(`{"reasoning_content":${JSON.stringify(part.text)}}`);
      case 'tool-call-start': {
        const call = `{"index":${part.index},"id":${JSON.stringify(part.id)},"type":"function","function":{"name":${JSON.stringify(part.name)},"arguments":""}}`;
        const role = this.roleSent ? '' : '"role":"assistant",';
        this.roleSent = true;
        this.noArguments.add(part.index);
        return this.frame(`{${role}"tool_calls":[${call}]}`);
      }
      case 'tool-call-delta':
        if (part.argumentsDelta === '') return '';
        this.noArguments.delete(part.index);
        return this.arguments(part.index, part.argumentsDelta);
      case 'tool-call-end':
        return this.noArguments.delete(part.index) ? this.arguments(part.index, NO_ARGUMENTS) : '';
      case 'usage':
        this.usage = part.usage;
        return '';
      case 'finish': {
        this.finished = true;
        if (part.usage) this.usage = part.usage;
        let out = '';
        for (const index of this.noArguments) out += this.arguments(index, NO_ARGUMENTS);
        this.noArguments.clear();
        return out + this.role() + this.frame('{}', mapOpenAIFinishReason(part.reason));
      }
      case 'error':
        this.closed = true;
        return encodeOpenAIStreamError(part.error);
      default:
        return '';
    }
  }

  private head(): string {
    this.prefix ||= `data: {"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(this.model)},`;
    return this.prefix;
  }

  private frame(delta: string, finish: string | null = null): string {
    const reason = finish === null ? 'null' : `"${finish}"`;
    return `${this.head()}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${reason}}]}\n\n`;
  }

  private arguments(index: number, fragment: string): string {
    return this.frame(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(fragment)}}}]}`);
  }

  /** The assistant role chunk, once, before the first content. */
  private role(): string {
    if (this.roleSent) return '';
    this.roleSent = true;
    return this.frame(ROLE_DELTA);
  }
}

/**
 * Encodes normalized parts as the Chat Completions SSE byte stream. Pull-based, so a slow
 * client slows the upstream instead of filling memory. Cancelling the returned stream
 * (client disconnect) cancels `parts`, which aborts the upstream; an error part or a failing
 * source ends it with one error frame and cancels `parts` as well.
 */
export function encodeOpenAIChatStream(
  parts: ReadableStream<StreamPart>,
  opts: OpenAIChatStreamOptions,
): ReadableStream<Uint8Array> {
  return encodeParts(parts, createOpenAIChatChunkEncoder(opts));
}
