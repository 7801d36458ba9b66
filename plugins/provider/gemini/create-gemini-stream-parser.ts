import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createSseParser } from '../../../core/util/sse.ts';
import type { GeminiResponse } from './gemini-wire-types.ts';
import { createGeminiStreamState, mapGeminiStreamChunk } from './map-gemini-stream-chunk.ts';
import { createJsonArraySplitter, type JsonArraySplitter } from './split-json-array.ts';

/** How the upstream body is framed: SSE (`alt=sse`), a streamed JSON array, or one JSON object. */
export type GeminiBodyFormat = 'sse' | 'json-array' | 'json';

export interface GeminiParserOptions {
  model: string;
  format?: GeminiBodyFormat;
  /** Removed from error messages, should the upstream echo it. */
  secret?: string;
  /** The `json-array` splitter to use (the passthrough lane's filter reads it); a new one by default. */
  splitter?: JsonArraySplitter;
}

function protocolError(message: string): StreamPart {
  return { type: 'error', error: new GatewayError('GW_UPSTREAM_PROTOCOL', message, { status: 502, retryable: true }) };
}

/**
 * Push parser of a Gemini response body: bytes in (any split), hub parts out. Serves the
 * normal stream (`sse`), the passthrough lane for every framing the client may have asked
 * for, and non-streamed passthrough (`json`: parts come at the end).
 * A chunk that is not JSON, or a stream that ends before a `finishReason`, yields one `error`
 * part (GW_UPSTREAM_PROTOCOL, retryable); nothing follows an error, and for SSE
 * `eventsBeforeError` says which event of the call it was.
 *
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createGeminiStreamParser(opts: GeminiParserOptions): StreamParser {
  const state = createGeminiStreamState({ model: opts.model, secret: opts.secret });
  const format = opts.format ?? 'sse';
  const decoder = new TextDecoder('utf-8');
  const sse = createSseParser();
  const array = opts.splitter ?? createJsonArraySplitter();
  let whole = '';

  /** The index, in the last call's chunks (SSE: its events), of the one after which reading stopped. */
  let stoppedAt = 0;
  /** JSON array: where, in the chunk whose parse failed, the elements before the bad one end. */
  let bytesBefore: number | undefined;
  const map = (texts: string[]): StreamPart[] => {
    const parts: StreamPart[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (text.trim() === '') continue;
      let chunk: unknown;
      try {
        chunk = JSON.parse(text);
      } catch {
        state.failed = true;
        stoppedAt = i;
        parts.push(protocolError('The Gemini upstream sent a malformed stream chunk.'));
        break;
      }
      if (typeof chunk === 'object' && chunk !== null) parts.push(...mapGeminiStreamChunk(chunk as GeminiResponse, state));
      if (state.failed) {
        stoppedAt = i;
        break;
      }
    }
    return parts;
  };
  /** The chunks of `bytes` (the end of input when undefined); for SSE one per event, blank ones included. */
  const split = (bytes: Uint8Array | undefined): string[] => {
    if (format === 'sse') return (bytes ? sse.push(bytes) : sse.end()).map((e) => e.data);
    // An element still open at the end is dropped (before a finish, `end` reports the stream cut).
    if (format === 'json-array') return bytes ? array.push(bytes) : [];
    const text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    whole += text;
    return bytes || whole.trim() === '' ? [] : [whole];
  };

  return {
    push(chunk) {
      if (state.failed) return [];
      const parts = map(split(chunk));
      if (state.failed && format === 'json-array') bytesBefore = stoppedAt > 0 ? array.lastEnds[stoppedAt - 1] : 0;
      return parts;
    },
    end() {
      if (state.failed) return [];
      const texts = split(undefined);
      const parts = map(texts);
      if (!state.failed && !state.finished) {
        state.failed = true;
        stoppedAt = texts.length;
        parts.push(protocolError('The Gemini stream ended before a finishReason.'));
      }
      return parts;
    },
    get eventsBeforeError() {
      return format === 'sse' ? stoppedAt : undefined;
    },
    get bytesBeforeError() {
      return bytesBefore;
    },
  };
}
