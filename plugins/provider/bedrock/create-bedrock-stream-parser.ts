import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createAwsEventPartsParser } from '../../../core/util/aws-event-parts-parser.ts';
import { awsHeaderString, type AwsEventMessage } from '../../../core/util/aws-event-stream.ts';
import { mapBedrockError } from './map-bedrock-error.ts';
import type { BedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { finishBedrockStream, mapBedrockStreamEvent, newBedrockStreamState, type BedrockStreamState } from './map-bedrock-stream-event.ts';

const utf8 = new TextDecoder();

function protocolError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `The Bedrock upstream sent a broken stream: ${message}.`, { retryable: true });
}

function payloadOf(msg: AwsEventMessage): Record<string, unknown> | undefined {
  if (msg.payload.length === 0) return {};
  try {
    const p: unknown = JSON.parse(utf8.decode(msg.payload));
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parts of one decoded message, or the error it stands for: an `exception` message
 * (`:exception-type` such as `throttlingException`, `modelStreamErrorException`,
 * `validationException`, with `{message}`) maps like an HTTP error of that type; a payload that
 * is not a JSON object is a protocol error.
 */
function partsOf(msg: AwsEventMessage, state: BedrockStreamState): StreamPart[] | GatewayError {
  const kind = awsHeaderString(msg, ':message-type') ?? 'event';
  const payload = payloadOf(msg);
  if (kind === 'exception' || kind === 'error') {
    const type = awsHeaderString(msg, ':exception-type') ?? awsHeaderString(msg, ':error-code');
    const message = typeof payload?.message === 'string' ? payload.message : awsHeaderString(msg, ':error-message');
    return mapBedrockError(/^throttling/i.test(type ?? '') ? 429 : 500, type, message);
  }
  if (!payload) return protocolError('an event payload is not a JSON object');
  return mapBedrockStreamEvent(awsHeaderString(msg, ':event-type') ?? '', payload, state);
}

/**
 * Push parser of a ConverseStream answer (`application/vnd.amazon.eventstream`, decoded by
 * core/util/aws-event-stream.ts with both CRCs checked) into hub parts: `start` with the first
 * message, then the events' parts, and at the end of the body `finish` with `messageStop`'s
 * reason and `metadata`'s usage. A corrupt frame, an exception message, a body cut inside a
 * message, or a body that ends before `messageStop` → one `error` part (the mapped exception,
 * else a retryable GW_UPSTREAM_PROTOCOL), and nothing after it. `id` names the answer (the
 * call's request id); `json` is the structured-output tool whose input is the answer's text.
 */
export function createBedrockStreamParser(model: string, id: string, json?: Pick<BedrockJsonTool, 'name' | 'wrapped'>): StreamParser {
  const state = newBedrockStreamState(json);
  return createAwsEventPartsParser({
    start: () => ({ type: 'start', id, model }),
    partsOf: (msg) => partsOf(msg, state),
    end() {
      if (state.stopReason === undefined) return protocolError('it ended before messageStop');
      return finishBedrockStream({ ...state, stopReason: state.stopReason });
    },
    protocolError,
  });
}
