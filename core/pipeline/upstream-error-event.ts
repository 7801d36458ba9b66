/**
 * The upstream's own error event on the passthrough lane (see `passthroughBody`): found only
 * once the stream's parser reported an error the upstream sent, never on the normal path.
 */
import { createSseParser, eventEndAfter, eventEndIn } from '../util/sse.ts';

const LF = 0x0a;

/** The upstream's own error event, as it reaches the client. */
export interface UpstreamErrorEvent {
  /** The upstream's bytes through that event. */
  bytes: Uint8Array;
  /** SDKs raise on it (an `error` event or chunk); false for Responses' `response.failed`. */
  raises: boolean;
}

/**
 * The upstream's own error event, from the read (`bytes`) whose parse ended in it: what was
 * `held` plus `bytes` through the first error event, so the events before it in that read leave
 * too and nothing after it does (OpenAI-style servers send `[DONE]` after an error chunk; the
 * client gets no `[DONE]` after an error). Undefined, so the gateway's own (redacted) error
 * frame goes alone, when no whole error event is there or it quotes a secret (`redact` masks it).
 * Runs only when a stream fails.
 */
export function upstreamErrorEvent(bytes: Uint8Array, held: readonly Uint8Array[], redact: (text: string) => string): UpstreamErrorEvent | undefined {
  const cut = eventEndIn(bytes, held);
  if (cut === 0) return undefined;
  const whole = Buffer.concat([...held, bytes.subarray(0, cut)]);
  for (let start = 0; start < whole.length;) {
    const end = eventEndAfter(whole, start);
    const event = whole.toString('utf8', start, end);
    const kind = errorEventKind(event);
    if (kind) return redact(event) === event ? { bytes: whole.subarray(0, end), raises: kind === 'raises' } : undefined;
    start = end;
  }
  return undefined;
}

/**
 * The error events of the SSE dialects: `raises` for one that SDKs raise on (named `error`:
 * Anthropic, Responses, OpenAI Chat; of JSON type `error`; with a top-level `error`: an
 * OpenAI-style Chat or a Gemini error chunk), `failed` for Responses' `response.failed`.
 */
function errorEventKind(text: string): 'raises' | 'failed' | undefined {
  const e = createSseParser().push(text)[0];
  if (!e) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    return e.event === 'error' ? 'raises' : undefined;
  }
  const json = data !== null && typeof data === 'object' ? (data as { type?: unknown; error?: unknown }) : {};
  const type = typeof json.type === 'string' ? json.type : e.event;
  if (type === 'error' || e.event === 'error' || json.error) return 'raises';
  return type === 'response.failed' ? 'failed' : undefined;
}

/** The line ends that make the event `held` ends with whole. */
export function blankLineAfter(held: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(held[held.length - 1]!.at(-1) === LF ? [LF] : [LF, LF]);
}
