import type { StreamParser } from '../../../core/plugin/types.ts';
import { createJsonResultParser, createSseJsonParser } from '../../../core/util/sse-json-parser.ts';
import { mapAnthropicResponse, type JsonToolOptions } from './map-anthropic-response.ts';
import {
  createAnthropicStreamState, mapAnthropicStreamEvent, type AnthropicStreamEvent,
} from './map-anthropic-stream-event.ts';

/**
 * Push parser of a Messages SSE stream: bytes in (any split), hub parts out. A frame whose data
 * is not JSON, or a stream that ends before `message_stop`, yields one `error` part
 * (GW_UPSTREAM_PROTOCOL, retryable); nothing is parsed after an error or `message_stop`.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createAnthropicStreamParser(opts: JsonToolOptions = {}): StreamParser {
  const state = createAnthropicStreamState(opts);
  return createSseJsonParser<AnthropicStreamEvent>({
    state, upstream: 'Anthropic upstream', terminator: 'message_stop',
    mapEvent: (event) => mapAnthropicStreamEvent(event, state),
  });
}

/**
 * Parser of a non-streamed Messages body (passthrough of a `stream: false` request): at the
 * end it yields the parts of the whole message (start, content, finish).
 */
export function createAnthropicJsonParser(opts: JsonToolOptions = {}): StreamParser {
  return createJsonResultParser((json) => mapAnthropicResponse(json as Parameters<typeof mapAnthropicResponse>[0], opts), 'Anthropic upstream');
}
