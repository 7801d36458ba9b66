import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { Timeouts } from '../plugin/types.ts';
import { sweeper, type Watched } from '../util/deadline-sweeper.ts';
import { formatBytes } from '../util/format-bytes.ts';
import { readCappedBytes } from '../util/read-capped-bytes.ts';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);
/** `setTimeout` fires at once above this; a longer limit counts as none. */
const MAX_TIMER_MS = 2_147_483_647;

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;
export const noop = () => {};
/** True for a limit that is set and representable as a timer. */
export const isLimit = (ms: number) => ms > 0 && ms <= MAX_TIMER_MS;

/** Bun decodes these bodies but keeps the headers; they would lie about the body we return. */
function decodedHeaders(headers: Headers): Headers {
  const enc = headers.get('content-encoding');
  if (!enc || !DECODED_ENCODINGS.has(enc.trim().toLowerCase())) return headers;
  const out = new Headers(headers);
  out.delete('content-encoding');
  out.delete('content-length');
  return out;
}

/**
 * The error for a reply read whole that passed `max` bytes (as sent, or once decoded): a
 * hostile or broken upstream, or a small compressed body that inflates without end.
 */
export function tooLargeError(host: string, max: number): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `Upstream ${host} sent a reply over ${formatBytes(max)}.`, { status: 502, retryable: true });
}

function timeoutError(host: string, what: string, ms: number): GatewayError {
  return new GatewayError('GW_UPSTREAM_TIMEOUT', `Upstream ${host} timed out ${what} (${ms} ms).`, {
    retryable: true,
  });
}

function closedError(signal: AbortSignal): GatewayError {
  if (isGatewayError(signal.reason)) return signal.reason;
  return new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.', { status: 499, retryable: false });
}

/**
 * Maps a fetch or body-read failure. Only the error's `code` is kept: Bun's errors carry the
 * full URL (`path`), which may hold a key in its query, so the original is never attached.
 */
export function toOutboundError(e: unknown, host: string, during: string): GatewayError {
  if (isGatewayError(e)) return e;
  const err = e as { name?: unknown; code?: unknown } | null;
  if (err?.name === 'TimeoutError') {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', `Upstream ${host} timed out (socket idle).`, { retryable: true });
  }
  const code = typeof err?.code === 'string' && /^[A-Za-z0-9_]{2,48}$/.test(err.code) ? err.code : 'network error';
  return new GatewayError('GW_UPSTREAM_CONNECT', `Connection failed while ${during} upstream ${host} (${code}).`, {
    retryable: true,
  });
}

/**
 * One outbound exchange of the outbound client: its abort controller, its limits (watched by
 * the shared sweeper) and the body wrapper. It listens to the caller's signal itself
 * (`handleEvent`), and the stream callbacks are made only for streamed replies, once, so a
 * request allocates no closures and a chunk nothing of its own (one `performance.now()` per read).
 */
export class Exchange implements Watched {
  /** Index in the sweeper. */
  slot = -1;
  failure: GatewayError | undefined;
  /** The socket transport's connection serving this exchange: told when the exchange fails. */
  link: { abort(err: GatewayError): void } | undefined;
  private done = false;
  /** Made on first use: only fetch and the DNS wait take a signal. */
  private controller: AbortController | undefined;
  /** Deadlines on the `performance.now()` clock; Infinity = none. */
  private totalAt = Infinity;
  private phaseAt = Infinity;
  private phaseWhat = '';
  private phaseMs = 0;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
  private waitingSince = -1;

  constructor(
    readonly host: string,
    readonly t: Timeouts,
    private readonly caller: AbortSignal | undefined,
    /** Most bytes a reply read whole may have, as sent and once decoded. */
    readonly maxBytes = Infinity,
  ) {
    if (caller?.aborted) throw closedError(caller);
    // The exchange itself is the listener (`handleEvent`): no closure per request.
    caller?.addEventListener('abort', this);
    if (isLimit(t.totalMs)) this.totalAt = performance.now() + t.totalMs;
    sweeper.add(this);
  }

  /** Aborted when the exchange fails (timeout, caller abort). */
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  /** Body bytes are awaited (`true`, the idle limit runs) or not (`false`: none are wanted now). */
  waiting(on: boolean): void {
    this.waitingSince = on && isLimit(this.t.idleMs) ? performance.now() : -1;
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.fail(closedError(this.caller!));
  }

  /** Called by the sweeper every tick: fails the exchange once a limit has passed. */
  check(now: number): void {
    if (now >= this.totalAt) this.fail(timeoutError(this.host, 'in total', this.t.totalMs));
    else if (now >= this.phaseAt) this.fail(timeoutError(this.host, this.phaseWhat, this.phaseMs));
    else if (this.waitingSince >= 0 && now - this.waitingSince >= this.t.idleMs) {
      this.fail(timeoutError(this.host, 'between body chunks', this.t.idleMs));
    }
  }

  /** Starts the limit of the current phase (DNS, headers), replacing the previous one. */
  phase(ms: number, what: string): void {
    this.phaseWhat = what;
    this.phaseMs = ms;
    this.phaseAt = isLimit(ms) ? performance.now() + ms : Infinity;
  }

  /** Waits for `p`, or rejects as soon as the exchange fails (timeout, caller abort). */
  race<T>(p: Promise<T>): Promise<T> {
    const s = this.signal;
    return new Promise<T>((ok, bad) => {
      if (s.aborted) return bad(s.reason);
      const onAbort = () => bad(s.reason);
      s.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => (s.removeEventListener('abort', onAbort), ok(v)),
        (e) => (s.removeEventListener('abort', onAbort), bad(e)),
      );
    });
  }

  /** Fails the exchange once: aborts fetch (closing the socket) and errors the body. */
  fail(err: GatewayError): void {
    if (this.done) return;
    this.failure = err;
    this.finish();
    this.controller?.abort(err);
    this.link?.abort(err);
    if (this.ctrl) {
      try {
        this.ctrl.error(err);
      } catch {
        // already closed
      }
    }
    this.reader?.cancel(err).catch(noop);
  }

  /** Ends the exchange: stops watching its limits and the caller's abort. Idempotent. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    sweeper.delete(this);
    this.caller?.removeEventListener('abort', this);
  }

  /**
   * Watches again after `finish` (the socket transport ends the exchange with each response
   * body; a followed redirect goes on under the same limits). Throws the failure, if any.
   */
  reopen(): void {
    if (this.failure) throw this.failure;
    if (!this.done) return;
    if (this.caller?.aborted) throw closedError(this.caller);
    this.done = false;
    this.caller?.addEventListener('abort', this);
    sweeper.add(this);
  }

  /**
   * A complete (non-streamed) reply: read whole under the same limits, then returned as a
   * plain Response, so the caller reads it without another stream layer. On failure the
   * exchange is ended here and the promise rejects with the mapped error.
   */
  buffer(res: Response): Promise<Response> {
    this.phase(this.t.idleMs, 'reading the response body');
    if (this.failure) {
      res.body?.cancel().catch(noop);
      this.finish();
      return Promise.reject(this.failure);
    }
    // No race needed: a failure aborts the signal fetch was given, and Bun rejects a pending body read on abort.
    return readBounded(res, this.maxBytes, this.host).then(
      (bytes) => {
        this.finish();
        // Uint8Array<ArrayBufferLike> is a valid body; the DOM typing only names ArrayBuffer views.
        return new Response(NULL_BODY_STATUSES.has(res.status) ? null : bytes as BodyInit | null, {
          status: res.status, statusText: res.statusText, headers: decodedHeaders(res.headers),
        });
      },
      (e: unknown) => {
        const err = this.failure ?? toOutboundError(e, this.host, 'reading the response from');
        this.finish();
        throw err;
      },
    );
  }

  /**
   * Takes over the response: a body-less one ends the exchange, a body is wrapped. The caller
   * must consume or cancel the body; an abandoned one holds its connection until `totalMs`.
   */
  adopt(res: Response): Response {
    this.phase(0, '');
    if (this.failure) {
      // A limit passed or the caller aborted just as the headers arrived.
      res.body?.cancel().catch(noop);
      throw this.failure;
    }
    if (!res.body || NULL_BODY_STATUSES.has(res.status)) {
      this.finish();
      return res;
    }
    const reader = (this.reader = res.body.getReader());
    // The stream callbacks are made here, for streamed replies only; each read allocates nothing more.
    const onChunk = (r: Chunk): void => {
      this.waitingSince = -1;
      if (this.failure) return;
      if (r.done) {
        this.finish();
        this.ctrl!.close();
      } else {
        this.ctrl!.enqueue(r.value);
      }
    };
    const onReadError = (e: unknown): void => {
      this.waitingSince = -1;
      if (!this.failure) this.fail(toOutboundError(e, this.host, 'reading the response from'));
    };
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void (this.ctrl = c),
      pull: (): Promise<void> => {
        if (isLimit(this.t.idleMs)) this.waitingSince = performance.now();
        return reader.read().then(onChunk, onReadError);
      },
      cancel: (reason: unknown): Promise<void> => {
        this.finish();
        this.controller?.abort(reason);
        return reader.cancel(reason).catch(noop);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: decodedHeaders(res.headers) });
  }
}

/**
 * The body of a fetch reply (decoded by fetch) read whole, failing with {@link tooLargeError}
 * as soon as it passes `max` bytes. A declared length over `max` fails before any read, unless
 * the body is encoded: fetch decodes it, so the declared length does not count the bytes read.
 */
export async function readBounded(res: Response, max: number, host: string): Promise<Uint8Array | null> {
  if (!res.body) return null;
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max && !res.headers.has('content-encoding')) {
    await res.body.cancel().catch(noop);
    throw tooLargeError(host, max);
  }
  const bytes = await readCappedBytes(res.body, max);
  if (!bytes) throw tooLargeError(host, max);
  return bytes;
}
