import { resultToParts } from '../../../core/types/result-to-parts.ts';
import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { createSseParser, type SseEvent } from '../../../core/util/sse.ts';
import { mapResponsesResult } from './map-responses-result.ts';
import {
  createResponsesStreamState,
  mapResponsesStreamEvent,
  type ResponsesStreamEvent,
} from './map-responses-stream-event.ts';

function protocolError(message: string): StreamPart {
  return { type: 'error', error: new GatewayError('GW_UPSTREAM_PROTOCOL', message, { retryable: true }) };
}

/**
 * Push parser of a Responses SSE stream: bytes in (any split), hub parts out. The event type is
 * read from the JSON `type` (the SSE `event:` line when it is missing). A frame whose data is not
 * JSON, or a stream that ends before a terminal event, yields one `error` part
 * (GW_UPSTREAM_PROTOCOL, retryable); nothing is parsed after a terminal event or an error.
 * `data: [DONE]` (sent by some compatible servers) is ignored.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createResponsesStreamParser(opts: { secret?: string } = {}): StreamParser {
  const sse = createSseParser();
  const state = createResponsesStreamState(opts.secret);
  const map = (events: SseEvent[]): StreamPart[] => {
    const parts: StreamPart[] = [];
    for (const e of events) {
      if (state.done) break;
      if (e.data === '[DONE]') continue;
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        state.done = true;
        parts.push(protocolError('The Responses upstream sent a malformed stream event.'));
        break;
      }
      if (typeof data !== 'object' || data === null) continue;
      const event = data as ResponsesStreamEvent;
      if (typeof event.type !== 'string') event.type = e.event ?? '';
      for (const p of mapResponsesStreamEvent(event, state)) parts.push(p);
    }
    return parts;
  };
  return {
    push(chunk) {
      return state.done ? [] : map(sse.push(chunk));
    },
    end() {
      if (state.done) return [];
      const parts = map(sse.end());
      if (!state.done) {
        state.done = true;
        parts.push(protocolError('The Responses stream ended before response.completed.'));
      }
      return parts;
    },
  };
}

/**
 * Parser of a non-streamed Responses body (passthrough of a `stream: false` request): collects
 * the bytes and, at the end, yields the parts of the whole response (start, content, finish).
 */
export function createResponsesJsonParser(opts: { secret?: string } = {}): StreamParser {
  const chunks: Uint8Array[] = [];
  return {
    push(chunk) {
      chunks.push(chunk);
      return [];
    },
    end() {
      let result: ChatResult;
      try {
        result = mapResponsesResult(JSON.parse(Buffer.concat(chunks).toString('utf8')), opts.secret);
      } catch (e) {
        if (isGatewayError(e)) return [{ type: 'error', error: e }];
        return [protocolError('The Responses upstream returned a malformed response.')];
      }
      return resultToParts(result);
    },
  };
}
