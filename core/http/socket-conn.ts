import type { Socket } from 'bun';
import { GatewayError } from '../errors/gateway-error.ts';
import { atTurnEnd } from '../util/turn-end.ts';
import { toOutboundError, tooLargeError } from './exchange.ts';
import { BodyFramer, type BodySink } from './http1-body.ts';
import { byteText, CONTENT_CODINGS, decodedStream, indexOfBodyStart, isTooLarge, parseResponseHead, type ContentCoding } from './http1-wire.ts';
import { endRace, malformedError, maySendAgain, type Call } from './socket-call.ts';
import type { SocketTransport } from './socket-transport.ts';

/** Longest response head (status line and headers) accepted. */
const MAX_HEAD_BYTES = 64 * 1024;
/**
 * A pooled connection is closed after this long unused: below the shortest keep-alive common
 * servers use (Node's 5 s), so we close before they do and rarely race their close.
 */
const IDLE_SOCKET_SECONDS = 4;
/** Queued response bytes a slow reader may leave unread before the socket stops reading. */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;
const NON_ASCII = /[^\x00-\x7f]/;

/** What a connection is reading: a response head, its body, or nothing (idle). */
const HEAD = 0;
const BODY = 1;
const DONE = 2;

/** One socket and the response it is reading. Fields are reset per request: no allocation per chunk. */
export class Conn implements BodySink {
  socket: Socket<Conn> | undefined;
  call: Call | undefined;
  dead = false;
  private reused = false;
  /** When the current request was written (performance.now()). */
  private sentAt = 0;
  private received = 0;
  private out: Uint8Array | null = null;
  // Response parsing state.
  private state = DONE;
  private buf: Uint8Array | null = null;
  private scanFrom = 0;
  private readonly framer = new BodyFramer();
  private keepAlive = true;
  private status = 0;
  private statusText = '';
  private headers: Headers | undefined;
  private decoder: ContentCoding | undefined;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
  private paused = false;
  /** How long this connection may sit in the pool (the server's Keep-Alive hint, at most 4 s). */
  idleSeconds = IDLE_SOCKET_SECONDS;
  private handshakeFailed = false;

  /** @param address the vetted address this connection goes to, if pinned */
  constructor(private readonly transport: SocketTransport, readonly key: string, readonly address?: string) {}

  /** The socket is connected; a TLS one still has its handshake to do. */
  opened(socket: Socket<Conn>, tls: boolean): void {
    this.socket = socket;
    socket.setNoDelay(true);
    if (!tls) this.ready();
  }

  /** TLS: the handshake is done; a certificate that did not verify fails the call with its reason. */
  handshake(ok: boolean, error: Error | null): void {
    if (ok) return this.ready();
    const socket = this.socket;
    this.socket = undefined; // still connecting, as far as the error message goes
    this.handshakeFailed = true;
    this.closed(error ?? new Error('the TLS certificate was not accepted'));
    socket?.terminate();
  }

  private ready(): void {
    const call = this.call;
    if (!call || call.ex.failure) return this.destroy();
    // An earlier attempt still not connected is slow: later connections try it last.
    for (const c of call.racing ?? []) if (c !== this && !c.socket && c.address) this.transport.markSlow(c.address);
    endRace(call, this);
    this.begin(call, false);
  }

  /** Sends `call` on this connection. */
  begin(call: Call, reused: boolean): void {
    this.call = call;
    this.reused = reused;
    this.sentAt = performance.now();
    this.received = 0;
    this.state = HEAD;
    this.scanFrom = 0;
    call.ex.link = this;
    if (reused) this.socket!.timeout(0);
    call.ex.phase(call.ex.t.firstByteMs, 'waiting for response headers');
    if (this.transport.holdWrites()) atTurnEnd(() => this.write(call));
    else this.write(call);
  }

  /**
   * Writes the request; what the socket does not take now goes out on `drain`. Nothing when the
   * call ended or moved to another connection while its write was held.
   */
  private write(call: Call): void {
    const s = this.socket;
    if (this.call !== call || this.dead || !s) return;
    this.sentAt = performance.now();
    const { head, body } = call;
    // Header values are byte strings (latin1); a string write would send them as UTF-8.
    if ((body === null || typeof body === 'string') && !NON_ASCII.test(head)) {
      const text = body === null ? head : head + body;
      const n = s.write(text);
      if (n < call.bytes) this.keepRest(Buffer.from(text), n);
      return;
    }
    const all = Buffer.concat([Buffer.from(head, 'latin1'), body === null ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body) : body]);
    this.keepRest(all, s.write(all));
  }

  /** Keeps what `write` did not take (`written` bytes of `all` went out) for `drain`. */
  private keepRest(all: Uint8Array, written: number): void {
    if (written < 0) return; // closed: the close handler fails the call
    this.out = written < all.byteLength ? all.subarray(written) : null;
  }

  drained(): void {
    while (this.out) {
      const n = this.socket!.write(this.out);
      if (n < 0) return;
      this.out = n < this.out.byteLength ? this.out.subarray(n) : null;
      if (this.out) return;
    }
  }

  /** Response bytes arrived. */
  data(chunk: Uint8Array): void {
    const call = this.call;
    if (!call || this.state === DONE) return this.destroy(); // nothing was asked
    this.received += chunk.byteLength;
    let b: Uint8Array = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.buf = null;
    while (b.byteLength > 0 && this.call === call) {
      if (this.state === HEAD) {
        const start = indexOfBodyStart(b, this.scanFrom);
        if (start < 0) {
          if (b.byteLength > MAX_HEAD_BYTES) return this.malformed('a response head over 64 KB');
          this.scanFrom = Math.max(0, b.byteLength - 2);
          this.buf = b;
          return;
        }
        const head = byteText(b, start);
        b = b.subarray(start);
        this.scanFrom = 0;
        if (!this.parseHead(call, head)) return;
        continue;
      }
      b = this.framer.feed(b, this);
    }
    if (b.byteLength > 0 && this.call !== call) this.destroy(); // bytes after the response: not ours
  }

  /** Reads the status line and headers; false when the connection was given up. */
  private parseHead(call: Call, text: string): boolean {
    const head = parseResponseHead(text);
    if (typeof head === 'string') return this.malformed(head), false;
    const status = head.status;
    if (status >= 100 && status < 200) {
      if (status === 101) return this.malformed('a protocol switch nobody asked for'), false;
      return true; // 100 Continue, 103 Early Hints: the real response follows
    }
    this.status = status;
    this.statusText = head.statusText;
    // `Keep-Alive: timeout=N`: the server closes after N idle seconds; stop using it a second before.
    this.idleSeconds = Number.isNaN(head.keepAliveTimeout) ? IDLE_SOCKET_SECONDS : Math.min(IDLE_SOCKET_SECONDS, head.keepAliveTimeout - 1);
    this.keepAlive = head.keepAlive && this.idleSeconds >= 1;
    this.decoder = CONTENT_CODINGS[head.encoding];
    if (this.decoder) {
      head.headers.delete('content-encoding');
      head.headers.delete('content-length');
    }
    this.headers = head.headers;
    const { chunked, length } = head;
    const ex = call.ex;
    const bodyless = call.method === 'HEAD' || status === 204 || status === 304;
    if (!bodyless) {
      this.state = BODY;
      this.framer.start(chunked, length);
      if (this.framer.untilClose) this.keepAlive = false;
    }
    if (call.buffered) {
      this.parts.length = 0;
      this.partsBytes = 0;
      ex.phase(ex.t.idleMs, 'reading the response body');
    } else {
      ex.phase(0, '');
      if (bodyless) this.respond(call, null);
      else this.openStream(call);
    }
    if (bodyless || (!chunked && length === 0)) this.complete(call);
    return true;
  }

  bodyBytes(bytes: Uint8Array): void {
    if (this.call) this.deliver(this.call, bytes);
  }

  bodyEnd(): void {
    if (this.call) this.complete(this.call);
  }

  bodyMalformed(what: string): void {
    this.malformed(what);
  }

  /** Hands body bytes on: to the stream, or to the parts of a buffered reply. */
  private deliver(call: Call, bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    if (call.buffered) {
      this.partsBytes += bytes.byteLength;
      if (this.partsBytes > call.ex.maxBytes) return this.tooLarge(call);
      this.parts.push(bytes);
      call.ex.phase(call.ex.t.idleMs, 'reading the response body');
      return;
    }
    const ctrl = this.ctrl!;
    ctrl.enqueue(bytes);
    if (ctrl.desiredSize !== null && ctrl.desiredSize <= 0) {
      this.paused = true;
      call.ex.waiting(false);
      this.socket!.pause();
    } else {
      call.ex.waiting(true);
    }
  }

  private openStream(call: Call): void {
    let stream = new ReadableStream<Uint8Array>({
      start: (c) => void (this.ctrl = c),
      pull: () => {
        if (this.call !== call) return;
        if (this.paused) {
          this.paused = false;
          this.socket!.resume();
        }
        call.ex.waiting(true);
      },
      cancel: (reason) => {
        if (this.call !== call) return;
        call.ex.finish();
        this.call = undefined;
        this.destroy();
        void reason;
      },
    }, { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (c) => c?.byteLength ?? 0 });
    if (this.decoder) {
      stream = decodedStream(this.decoder, stream, () => malformedError(call, 'a body that does not decompress'));
    }
    this.respond(call, stream);
  }

  /**
   * Settles the call with the response. What a Response cannot hold fails the call as a malformed
   * reply rather than throwing out of a socket callback, which would leave the call unsettled.
   */
  private respond(call: Call, body: BodyInit | null): void {
    let res: Response;
    try {
      res = new Response(body, { status: this.status, statusText: this.statusText, headers: this.headers });
    } catch {
      call.reject(malformedError(call, `a response that cannot be read (status ${this.status})`));
      return;
    }
    call.resolve(res);
  }

  /** The response ended cleanly: settle it, then pool or close the connection. */
  private complete(call: Call): void {
    this.state = DONE;
    this.call = undefined;
    call.ex.link = undefined;
    call.ex.finish();
    if (this.paused) {
      this.paused = false;
      this.socket!.resume();
    }
    const reusable = this.keepAlive && !this.dead && this.out === null;
    if (reusable) this.transport.release(this);
    else this.destroy();
    if (!call.buffered) {
      this.ctrl?.close();
      this.ctrl = undefined;
      return;
    }
    const bytes = this.partsBytes === 0 ? null : this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    this.parts.length = 0;
    let body: Uint8Array | null = bytes;
    if (bytes && this.decoder) {
      try {
        body = this.decoder.whole(bytes, call.ex.maxBytes);
      } catch (e) {
        call.reject(isTooLarge(e) ? tooLargeError(call.url.hostname, call.ex.maxBytes) : malformedError(call, 'a body that does not decompress'));
        return;
      }
    }
    // Uint8Array<ArrayBufferLike> is a valid body; the DOM typing only names ArrayBuffer views.
    this.respond(call, body as BodyInit | null);
  }

  /** The exchange failed (limit passed, caller aborted): drop the socket, fail what is pending. */
  abort(err: GatewayError): void {
    const call = this.call;
    this.call = undefined;
    this.destroy();
    if (!call) return;
    endRace(call);
    this.settleFailed(call, err);
  }

  /** Leaves a lost connection race: this attempt is closed and never touches the call again. */
  drop(): void {
    this.call = undefined;
    this.destroy();
  }

  /**
   * The socket closed or errored. A request on a pooled socket that closed before any answer is
   * sent again once when `maySendAgain` says the server cannot have run it.
   */
  closed(error: unknown): void {
    const wasDead = this.dead;
    this.dead = true;
    this.transport.forget(this);
    const call = this.call;
    if (!call) return;
    this.call = undefined;
    call.ex.link = undefined;
    if (this.state === BODY && this.framer.untilClose && !error) return this.complete(call);
    if (!this.socket && !this.handshakeFailed && call.racing) {
      // This connection attempt failed: the host's next vetted address now, else the attempts
      // still under way (one of them now answers for the exchange's limits).
      call.racing = call.racing.filter((c) => c !== this);
      if (call.addrs && call.addr + 1 < call.addrs.length) {
        call.addr++;
        return this.transport.connect(call);
      }
      if (call.racing.length > 0) {
        call.ex.link = call.racing[call.racing.length - 1];
        return;
      }
    }
    endRace(call);
    if (this.reused && this.received === 0 && !wasDead && maySendAgain(call, this.sentAt)) {
      call.retried = true;
      return this.transport.start(call, true);
    }
    const during = this.state === HEAD ? 'waiting for the response of' : 'reading the response from';
    const err = error
      ? toOutboundError(error, call.url.hostname, this.socket ? during : 'connecting to')
      : new GatewayError('GW_UPSTREAM_CONNECT', `Upstream ${call.url.hostname} closed the connection ${this.state === HEAD ? 'before' : 'in the middle of'} its response.`, { retryable: true });
    call.ex.fail(err);
    this.settleFailed(call, err);
  }

  private malformed(what: string): void {
    if (this.call) this.giveUp(malformedError(this.call, what));
  }

  /** A reply read whole passed the exchange's byte limit: the socket is dropped, not drained. */
  private tooLarge(call: Call): void {
    this.parts.length = 0;
    this.partsBytes = 0;
    this.giveUp(tooLargeError(call.url.hostname, call.ex.maxBytes));
  }

  /** Drops the connection and fails the call it was serving with `err`. */
  private giveUp(err: GatewayError): void {
    const call = this.call;
    this.call = undefined; // before the socket closes: its close handler must not fail the call too
    this.destroy();
    if (!call) return;
    call.ex.link = undefined;
    call.ex.fail(err);
    this.settleFailed(call, err);
  }

  /** A failed call: its streamed body errors, or its pending promise rejects. */
  private settleFailed(call: Call, err: GatewayError): void {
    if (!this.ctrl) return call.reject(err);
    try {
      this.ctrl.error(err);
    } catch {
      // already closed
    }
    this.ctrl = undefined;
  }

  destroy(): void {
    this.dead = true;
    this.transport.forget(this);
    this.socket?.terminate();
  }
}
