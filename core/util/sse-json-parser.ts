import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { resultToParts } from '../types/result-to-parts.ts';
import { createSseParser, type SseEvent } from './sse.ts';

/** What an SSE-of-JSON stream format supplies: its event mapper and its state's flags. */
export interface SseJsonFormat<E extends { type?: unknown }> {
  /**
   * `done`: set by `mapEvent` once the terminal event arrived; nothing is parsed after it.
   * `opaque`: set once an event started output the hub does not model (the parser's `opaqueOutput`).
   */
  state: { done: boolean; opaque?: boolean };
  /** One decoded event (its `type` filled from the SSE `event:` line when the JSON has none). */
  mapEvent(event: E): StreamPart[];
  /** Names the upstream in error messages (`Anthropic upstream`). */
  upstream: string;
  /** The terminal event, named in the truncation error (`message_stop`). */
  terminator: string;
}

function protocolError(message: string): StreamPart {
  return { type: 'error', error: new GatewayError('GW_UPSTREAM_PROTOCOL', message, { retryable: true }) };
}

/**
 * Push parser for upstreams whose stream is SSE frames of JSON events (Anthropic Messages,
 * OpenAI Responses): bytes in (any split), hub parts out. A frame whose data is not JSON, or a
 * stream that ends before its terminal event, yields one `error` part (GW_UPSTREAM_PROTOCOL,
 * retryable); nothing is parsed after an error or the terminal event, and `eventsBeforeError`
 * says which event of the call failed. `data: [DONE]` (sent by some compatible servers) is
 * ignored.
 */
export function createSseJsonParser<E extends { type?: unknown }>(f: SseJsonFormat<E>): StreamParser {
  const sse = createSseParser();
  const { state } = f;
  /** The index, in the last call's events, of the one after which parsing stopped. */
  let stoppedAt = 0;
  const map = (events: SseEvent[]): StreamPart[] => {
    const parts: StreamPart[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.data === '[DONE]') continue;
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        state.done = true;
        stoppedAt = i;
        parts.push(protocolError(`The ${f.upstream} sent a malformed stream event.`));
        break;
      }
      if (typeof data !== 'object' || data === null) continue;
      const event = data as E;
      if (typeof event.type !== 'string' && e.event) (event as { type?: unknown }).type = e.event;
      for (const p of f.mapEvent(event)) parts.push(p);
      if (state.done) {
        // The terminal event, or the upstream's own error event.
        stoppedAt = i;
        break;
      }
    }
    return parts;
  };
  return {
    push(chunk) {
      return state.done ? [] : map(sse.push(chunk));
    },
    end() {
      if (state.done) return [];
      const events = sse.end();
      const parts = map(events);
      if (!state.done) {
        state.done = true;
        stoppedAt = events.length;
        parts.push(protocolError(`The ${f.upstream}'s stream ended before ${f.terminator}.`));
      }
      return parts;
    },
    get eventsBeforeError() {
      return stoppedAt;
    },
    get opaqueOutput() {
      return state.opaque === true;
    },
  };
}

/**
 * Push parser of a complete JSON reply (the passthrough lane's non-streamed body): collects the
 * bytes and, at the end, yields the parts of the whole result from `map`, or one error part
 * when it cannot be read (a GatewayError thrown by `map` is kept as is).
 */
export function createJsonResultParser(map: (json: unknown) => ChatResult, upstream: string): StreamParser {
  const chunks: Uint8Array[] = [];
  return {
    push(chunk) {
      chunks.push(chunk);
      return [];
    },
    end() {
      let result: ChatResult;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        chunks.length = 0;
        result = map(JSON.parse(text));
      } catch (e) {
        if (isGatewayError(e)) return [{ type: 'error', error: e }];
        return [protocolError(`The ${upstream} returned a malformed reply.`)];
      }
      return resultToParts(result);
    },
  };
}
