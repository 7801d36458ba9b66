import { toGatewayError, type GatewayError } from '../errors/gateway-error.ts';
import type { StreamEncoder } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { asUpstreamError } from './await-commit.ts';
import { checkedPart } from './check-parts.ts';
import type { StreamTracker } from './client-stream.ts';
import { directBody, type DirectWriter } from './direct-writer.ts';
import type { KeepaliveSpec } from './keepalive-sweeper.ts';
import { partSource, type PartSource, type ReadResult } from './part-source.ts';

/**
 * The normalized lane in one stream layer, for translators with a part encoder: reads the
 * parts, tells the tracker (usage, first part), encodes them in the client's dialect and
 * sends the bytes, keeping SSE alive while the upstream is silent. The same behaviour as
 * `trackParts` → `encodeStream` → `finishBody`, without the two streams in between:
 * - a failed read becomes one `error` part (like any error part, redacted by `safe` for the
 *   client), after which the source is cancelled and the stream closes;
 * - after an error part the source is cancelled; when the encoder closed on an ordinary part
 *   (its terminal frame came before the source's end) the response ends and the source is read
 *   to its end in the background, the tracker still told, so its producer sees a normal end
 *   (a cache keeps the reply, the upstream connection is reused) and a usage report after the
 *   finish (Gemini's) is still billed: `onEnd` waits for that end, at most `AFTER_END_MS`, or
 *   until an error, which no longer fails the request (the client had its answer);
 * - an encoder that joins the parts of one upstream read (`flush`, Gemini) writes what it
 *   collected once nothing more is waiting;
 * - `onEnd` is called exactly once: `done` when the stream closed, `cancel` when the client left
 *   (which cancels the source, hence the upstream).
 *
 * A direct stream (`directBody`), as the passthrough lane's: the text is written as it is
 * encoded, what is ready leaves in one write, and a full response buffer is waited for.
 */
export function encodedBody(
  parts: ReadableStream<StreamPart>,
  tracker: StreamTracker,
  safe: (err: GatewayError) => GatewayError,
  enc: StreamEncoder,
  onEnd: (kind: 'done' | 'cancel' | 'error') => void,
  keepalive?: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  const source: PartSource = partSource(parts);
  let finished = false;
  const end = (kind: 'done' | 'cancel' | 'error') => {
    if (finished) return;
    finished = true;
    onEnd(kind);
  };
  const close = (out: DirectWriter, tail: string) => {
    out.write(tail);
    out.close();
    end('done');
  };
  /** The client has its whole answer; the books end once the rest of the source is read. */
  let answered = false;
  const closeThenDrain = (out: DirectWriter, inflight?: Promise<ReadResult<StreamPart>>) => {
    answered = true;
    out.close();
    const late = setTimeout(() => end('done'), AFTER_END_MS);
    const done = () => {
      clearTimeout(late);
      end('done');
    };
    void drain(source, tracker, done, inflight).then(done);
  };
  /**
   * The next part, at once (no promise) when it is there. An encoder that joins parts (`flush`)
   * writes what it collected once nothing more is waiting: the read is still pending after the
   * I/O callbacks of this turn (`setImmediate`).
   */
  const nextPart = (out: DirectWriter): Next | Promise<Next> => {
    const read = source.read();
    if (enc.flush && enc.hasPending && Bun.peek.status(read) === 'pending') return joined(out, read);
    return out.next(read);
  };
  const joined = async (out: DirectWriter, read: Promise<ReadResult<StreamPart>>): Promise<Next> => {
    const first = await Promise.race([read, tick()]);
    if (first !== TICK || finished) return first === TICK ? CLOSED : first;
    out.write(enc.flush!());
    if (!enc.closed) return out.next(read);
    closeThenDrain(out, read);
    return CLOSED;
  };
  return directBody(async (out) => {
    try {
      while (!finished) {
        let part: StreamPart;
        try {
          const next = nextPart(out);
          const r = next instanceof Promise ? await next : next;
          if (finished || r === CLOSED) return; // the client went away meanwhile, or the reply is complete
          if (r.done) return close(out, enc.end());
          part = checkedPart(r.value);
        } catch (err) {
          if (finished) return;
          part = { type: 'error', error: asUpstreamError(err) };
        }
        tracker.onPart(part);
        // Error text may quote upstream secrets: the client gets the redacted form.
        const text = enc.push(part.type === 'error' ? { type: 'error', error: safe(part.error) } : part);
        const full = out.write(text);
        // Nothing is read after an error part: for the encoder that is the end of the source.
        if (part.type === 'error') {
          source.cancel().catch(() => undefined);
          return close(out, enc.closed ? '' : enc.end());
        }
        if (enc.closed) return closeThenDrain(out);
        if (full) await full;
      }
    } catch (err) {
      // A bug here (encoder, tracker) must still end the response and the request's books, and
      // the client gets one error event, as for any failure after the commit point; only an
      // encoder that cannot give one leaves the connection to be cut.
      source.cancel().catch(() => undefined);
      end('error');
      const last = lastWords(enc, safe(toGatewayError(err)));
      if (last === undefined) return out.close(err instanceof Error ? err : new Error(String(err)));
      out.write(last);
      out.close();
    }
  }, (reason) => {
    if (answered) return undefined; // the client had its whole answer; the rest is being read
    end('cancel');
    return source.cancel(reason);
  }, keepalive);
}

/**
 * A part stream as the bytes of a part encoder, with nothing tracked: what `encodeStream` is for
 * a translator that has `createStreamEncoder` (`encodeStream: (parts, req, call) =>
 * encodeParts(parts, createStreamEncoder(req, call))`). One implementation, so the two lanes
 * cannot drift apart.
 */
export function encodeParts(parts: ReadableStream<StreamPart>, enc: StreamEncoder): ReadableStream<Uint8Array> {
  return encodedBody(parts, UNTRACKED, (e) => e, enc, () => {});
}

const UNTRACKED: StreamTracker = { onPart: () => {}, onEnd: () => {} };

/** The encoder's error frame and its end, or undefined when it cannot give them (closed, or broken itself). */
function lastWords(enc: StreamEncoder, error: GatewayError): string | undefined {
  if (enc.closed) return undefined;
  try {
    const text = enc.push({ type: 'error', error });
    return enc.closed ? text : text + enc.end();
  } catch {
    return undefined;
  }
}

/** How long the books wait, after the client's terminal frame, for the rest of the source. */
const AFTER_END_MS = 1000;
const CLOSED = Symbol('closed');
type Next = ReadResult<StreamPart> | typeof CLOSED;
const TICK = Symbol('tick');
/** Resolves after the pending I/O callbacks: parts already on their way arrive before it. */
const tick = () => new Promise<typeof TICK>((resolve) => setImmediate(() => resolve(TICK)));

/**
 * Reads what is left of a source whose reply was already complete (from `inflight` on), telling
 * the tracker. The books close (`answered`) before an error is told: the client had its answer.
 */
async function drain(source: PartSource, tracker: StreamTracker, answered: () => void, inflight?: Promise<ReadResult<StreamPart>>): Promise<void> {
  try {
    for (;;) {
      const r = await (inflight ?? source.read());
      inflight = undefined;
      if (r.done) return;
      const part = checkedPart(r.value);
      if (part.type === 'error') answered();
      tracker.onPart(part);
      if (part.type === 'error') return void source.cancel().catch(() => undefined);
    }
  } catch (err) {
    answered();
    tracker.onPart({ type: 'error', error: asUpstreamError(err) });
  }
}
