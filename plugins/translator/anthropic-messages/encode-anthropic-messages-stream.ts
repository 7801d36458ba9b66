import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';

/**
 * Turns hub parts into the Messages SSE byte stream.
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
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const state = new AnthropicStreamEncoder(fallback);
  const reader = parts.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          const text = done ? state.end() : state.push(value);
          if (text.length > 0) controller.enqueue(encoder.encode(text));
          if (done || state.finished) {
            controller.close();
            if (!done) void drain(reader);
            return;
          }
          if (text.length > 0) return;
        }
      } catch (e) {
        const text = state.fail(toGatewayError(e));
        if (text.length > 0) controller.enqueue(encoder.encode(text));
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

async function drain(reader: ReadableStreamDefaultReader<StreamPart>): Promise<void> {
  try {
    for (;;) if ((await reader.read()).done) return;
  } catch {
    // The producer failed after the client already got its terminal frame: nothing to report.
  }
}
