import { type GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { AwsEventStreamError, createAwsEventStreamDecoder, type AwsEventMessage } from './aws-event-stream.ts';

/** What an upstream speaking AWS event-stream framing (Bedrock, Kiro) adds to the shared parser. */
export interface AwsEventPartsSpec {
  /** The `start` part, sent with the first message. */
  start(): StreamPart;
  /** The parts of one decoded message, or the error it stands for (an exception message). */
  partsOf(msg: AwsEventMessage): StreamPart[] | GatewayError;
  /** The parts at a clean end of the body (no message cut), or why it is not a complete answer. */
  end(started: boolean): StreamPart[] | GatewayError;
  /** The upstream's retryable protocol error for `message` (`it ended inside a message`). */
  protocolError(message: string): GatewayError;
}

/**
 * Push parser of an `application/vnd.amazon.eventstream` body into hub parts: frames decoded
 * with both CRCs checked, `start` with the first message, each message's parts, then `end`'s.
 * A corrupt frame (after the whole messages before it), an exception message or a body cut
 * inside a message → one `error` part, and nothing after it.
 */
export function createAwsEventPartsParser(spec: AwsEventPartsSpec): StreamParser {
  const decoder = createAwsEventStreamDecoder();
  let started = false;
  let done = false;
  const fail = (out: StreamPart[], error: GatewayError): StreamPart[] => {
    done = true;
    out.push({ type: 'error', error });
    return out;
  };
  return {
    push(chunk) {
      if (done) return [];
      const out: StreamPart[] = [];
      let messages: AwsEventMessage[];
      let broken: GatewayError | undefined;
      try {
        messages = decoder.push(chunk);
      } catch (e) {
        messages = e instanceof AwsEventStreamError ? e.messages : [];
        broken = spec.protocolError(e instanceof AwsEventStreamError ? e.message : 'unreadable frame');
      }
      for (const msg of messages) {
        if (!started) {
          started = true;
          out.push(spec.start());
        }
        const parts = spec.partsOf(msg);
        if (isGatewayError(parts)) return fail(out, parts);
        out.push(...parts);
      }
      return broken ? fail(out, broken) : out;
    },
    end() {
      if (done) return [];
      if (decoder.pending() > 0) return fail([], spec.protocolError('it ended inside a message'));
      const last = spec.end(started);
      if (isGatewayError(last)) return fail([], last);
      done = true;
      return last;
    },
  };
}
