import { encodeParts } from '../../../core/pipeline/encoded-body.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';

/**
 * Turns hub parts into the Messages SSE byte stream (`estimateInput`: see AnthropicStreamEncoder).
 *
 * The client's cancel is passed to the part stream (which aborts the upstream). After the
 * terminal frame the response closes at once; the part stream is drained in the background
 * rather than cancelled, so whoever produces it still sees its normal end.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function encodeAnthropicMessagesStream(
  parts: ReadableStream<StreamPart>,
  fallback: { id: string; model: string },
  estimateInput?: () => number,
): ReadableStream<Uint8Array> {
  return encodeParts(parts, new AnthropicStreamEncoder(fallback, estimateInput));
}
