import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createAwsEventPartsParser } from '../../../core/util/aws-event-parts-parser.ts';
import { awsHeaderString, type AwsEventMessage } from '../../../core/util/aws-event-stream.ts';
import { mapKiroError } from './map-kiro-error.ts';
import { kiroFinishReason, mapKiroStreamEvent, newKiroStreamState, type KiroStreamState } from './map-kiro-stream-event.ts';

const utf8 = new TextDecoder();

function protocolError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `The Kiro upstream sent a broken stream: ${message}.`, { retryable: true });
}

/** An `exception` / `error` message of the stream as the GatewayError it stands for. */
function streamFailure(msg: AwsEventMessage, kind: string): GatewayError {
  if (kind === 'error') return mapKiroError(500, awsHeaderString(msg, ':error-code'), awsHeaderString(msg, ':error-message'));
  let message: string | undefined;
  try {
    const p = JSON.parse(utf8.decode(msg.payload)) as { message?: unknown; Message?: unknown };
    message = typeof p.message === 'string' ? p.message : typeof p.Message === 'string' ? p.Message : undefined;
  } catch {
    // no readable message
  }
  const type = awsHeaderString(msg, ':exception-type');
  return mapKiroError(type === 'ThrottlingException' ? 429 : 500, type, message);
}

/** The parts of one decoded message, or an error part for an exception / unreadable payload. */
function partsOf(msg: AwsEventMessage, state: KiroStreamState): StreamPart[] | GatewayError {
  const kind = awsHeaderString(msg, ':message-type') ?? 'event';
  if (kind === 'exception' || kind === 'error') return streamFailure(msg, kind);
  if (msg.payload.length === 0) return [];
  let payload: unknown;
  try {
    payload = JSON.parse(utf8.decode(msg.payload));
  } catch {
    return protocolError('an event payload is not JSON');
  }
  return mapKiroStreamEvent(awsHeaderString(msg, ':event-type') ?? '', payload, state);
}

/**
 * Push parser of Kiro's answer, the AWS event stream of `generateAssistantResponse`, into hub
 * parts: `start` with the first message, then the events' text / reasoning / tool-call parts.
 * The stream has no terminator event: a clean end of the body is the end of the answer
 * (`finish`: tool-calls when the model called a tool, else stop; Kiro reports no token usage, so
 * the gateway estimates it). A CRC or framing fault, an exception message, a body cut inside a
 * message, an empty body, or a tool call left open → one `error` part (retryable
 * GW_UPSTREAM_PROTOCOL, or the mapped exception), and nothing after it.
 */
export function createKiroStreamParser(model: string): StreamParser {
  const state = newKiroStreamState();
  return createAwsEventPartsParser({
    start: () => ({ type: 'start', id: `kiro-${crypto.randomUUID()}`, model }),
    partsOf: (msg) => partsOf(msg, state),
    end(started) {
      if (!started) return protocolError('it carried no event');
      if ([...state.tools.values()].some((t) => t.open)) return protocolError('it ended inside a tool call');
      const out: StreamPart[] = [];
      if (state.reasoning) out.push({ type: 'reasoning-end' });
      out.push({ type: 'finish', reason: kiroFinishReason(state) });
      return out;
    },
    protocolError,
  });
}
