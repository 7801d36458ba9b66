/**
 * What of a failed read leaves on the passthrough lane (see `passthroughBody`): the upstream's
 * own error event, or the events the parser read before the one it could not. Worked out only
 * once the stream's parser reported an error, never on the normal path.
 */
import type { StreamParser } from '../plugin/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { createSseParser, eventEndAfter, eventEndIn } from '../util/sse.ts';

const LF = 0x0a;

/** The upstream's events of a failed read that reach the client before the stream ends. */
export interface SentEvents {
  /** The upstream's bytes, whole events only, as it sent them. */
  bytes: Uint8Array;
  /** They end in an error event SDKs raise on (an `error` event or chunk): no gateway frame follows. */
  raises: boolean;
}

/**
 * The upstream's events of the read (`held` plus `bytes`) whose parse ended in `error`: through
 * the upstream's own error event when `error` is one (`upstreamErrorEvent`), else the events
 * before the one that failed (`StreamParser.eventsBeforeError`: a malformed frame, a stream cut
 * short). Undefined when nothing of it leaves. Runs only when a stream fails.
 */
export function failedReadEvents(
  error: GatewayError, parser: StreamParser, bytes: Uint8Array, held: readonly Uint8Array[], redact: (text: string) => string,
): SentEvents | undefined {
  const own = error.upstream ? upstreamErrorEvent(bytes, held, redact) : undefined;
  if (own) return own;
  const before = parser.eventsBeforeError;
  const good = before ? eventsBefore(before, bytes, held) : undefined;
  return good ? { bytes: good, raises: false } : undefined;
}

/**
 * The upstream's own error event, from the read (`bytes`) whose parse ended in it: what was
 * `held` plus `bytes` through the first error event, so the events before it in that read leave
 * too and nothing after it does (OpenAI-style servers send `[DONE]` after an error chunk; the
 * client gets no `[DONE]` after an error). Undefined, so the gateway's own (redacted) error
 * frame goes alone, when no whole error event is there or it quotes a secret (`redact` masks it).
 * Runs only when a stream fails.
 */
export function upstreamErrorEvent(bytes: Uint8Array, held: readonly Uint8Array[], redact: (text: string) => string): SentEvents | undefined {
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
 * The first `count` events of `held` plus `bytes`, as sent: the whole events there, split at
 * their blank lines and counted as the stream's parser counts them (what an SSE parser yields,
 * so comments and blank data do not count), up to the block that holds event number `count`.
 * A block that holds more events than its line ends showed (`\n\r\n`) is left out whole: a
 * count that disagrees sends fewer events, never the one that failed. Undefined when none.
 */
export function eventsBefore(count: number, bytes: Uint8Array, held: readonly Uint8Array[]): Uint8Array | undefined {
  const cut = eventEndIn(bytes, held);
  if (cut === 0) return undefined;
  const whole = Buffer.concat([...held, bytes.subarray(0, cut)]);
  const sse = createSseParser();
  let seen = 0;
  let end = 0;
  while (end < whole.length) {
    const next = eventEndAfter(whole, end);
    seen += sse.push(whole.subarray(end, next)).length;
    if (seen > count) break;
    end = next;
  }
  return end > 0 ? whole.subarray(0, end) : undefined;
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
