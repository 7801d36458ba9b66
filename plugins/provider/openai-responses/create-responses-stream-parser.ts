import type { StreamParser } from '../../../core/plugin/types.ts';
import { createJsonResultParser, createSseJsonParser } from '../../../core/util/sse-json-parser.ts';
import { mapResponsesResult } from './map-responses-result.ts';
import {
  createResponsesStreamState,
  mapResponsesStreamEvent,
  type ResponsesStreamEvent,
} from './map-responses-stream-event.ts';

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
  const state = createResponsesStreamState(opts.secret);
  let next = 0;
  const parser = createSseJsonParser<ResponsesStreamEvent>({
    state, upstream: 'Responses upstream', terminator: 'response.completed',
    mapEvent: (event) => {
      const n = (event as { sequence_number?: unknown }).sequence_number;
      if (typeof n === 'number' && n >= next) next = n + 1;
      return mapResponsesStreamEvent(event, state);
    },
  });
  return {
    push: parser.push,
    end: parser.end,
    get nextSequence() {
      return next;
    },
    get eventsBeforeError() {
      return parser.eventsBeforeError;
    },
    get opaqueOutput() {
      return parser.opaqueOutput;
    },
  };
}

/**
 * Parser of a non-streamed Responses body (passthrough of a `stream: false` request): at the
 * end it yields the parts of the whole response (start, content, finish).
 */
export function createResponsesJsonParser(opts: { secret?: string } = {}): StreamParser {
  return createJsonResultParser((json) => mapResponsesResult(json as Parameters<typeof mapResponsesResult>[0], opts.secret), 'Responses upstream');
}
