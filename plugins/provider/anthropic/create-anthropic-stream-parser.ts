import { resultToParts } from '../../../core/types/result-to-parts.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { createSseParser, type SseEvent } from '../../../core/util/sse.ts';
import { mapAnthropicResponse } from './map-anthropic-response.ts';
import {
  createAnthropicStreamState, mapAnthropicStreamEvent, type AnthropicStreamEvent,
} from './map-anthropic-stream-event.ts';

function protocolError(message: string): StreamPart {
  return { type: 'error', error: new GatewayError('GW_UPSTREAM_PROTOCOL', message, { retryable: true }) };
}

/**
 * Push parser of a Messages SSE stream: bytes in (any split), hub parts out. A frame whose data
 * is not JSON, or a stream that ends before `message_stop`, yields one `error` part
 * (GW_UPSTREAM_PROTOCOL, retryable); nothing is parsed after an error or `message_stop`.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createAnthropicStreamParser(opts: { jsonTool?: string } = {}): StreamParser {
  const sse = createSseParser();
  const state = createAnthropicStreamState(opts);
  const map = (events: SseEvent[]): StreamPart[] => {
    const parts: StreamPart[] = [];
    for (const e of events) {
      if (state.done) break;
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        state.done = true;
        parts.push(protocolError('The Anthropic upstream sent a malformed stream event.'));
        break;
      }
      if (typeof data !== 'object' || data === null) continue;
      const event = data as AnthropicStreamEvent;
      if (typeof event.type !== 'string' && e.event) event.type = e.event;
      for (const p of mapAnthropicStreamEvent(event, state)) parts.push(p);
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
        parts.push(protocolError('The Anthropic stream ended before message_stop.'));
      }
      return parts;
    },
  };
}

/**
 * Parser of a non-streamed Messages body (passthrough of a `stream: false` request): collects
 * the bytes and, at the end, yields the parts of the whole message (start, content, finish).
 */
export function createAnthropicJsonParser(opts: { jsonTool?: string } = {}): StreamParser {
  const chunks: Uint8Array[] = [];
  return {
    push(chunk) {
      chunks.push(chunk);
      return [];
    },
    end() {
      let result: ChatResult;
      try {
        result = mapAnthropicResponse(JSON.parse(Buffer.concat(chunks).toString('utf8')), opts);
      } catch {
        return [protocolError('The Anthropic upstream returned a malformed message.')];
      }
      return resultToParts(result);
    },
  };
}
