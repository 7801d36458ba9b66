import type { SocketHandler } from 'bun';
import { noop, type Exchange } from './exchange.ts';
import { requestHead } from './http1-wire.ts';
import type { Call } from './socket-call.ts';
import { Conn } from './socket-conn.ts';

/** A request body the socket transport sends itself; anything else (streams, forms, blobs) goes through fetch. */
export type SocketBody = string | Uint8Array | ArrayBuffer | null | undefined;

/** True when `body` is bytes or text the transport can frame with a Content-Length. */
export function isSocketBody(body: unknown): body is SocketBody {
  return body == null || typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

/** Idle connections kept per origin; more are closed once their request ends. */
const MAX_IDLE_PER_ORIGIN = 128;
/**
 * How long a connection attempt has before the host's next vetted address is tried alongside it
 * (RFC 8305 §5 recommends 250 ms): an address that drops packets costs a quarter of a second,
 * not the whole connect limit.
 */
const CONNECTION_ATTEMPT_DELAY_MS = 250;
/** An address that lost a connection race without connecting is tried last for this long. */
const SLOW_ADDRESS_MS = 10 * 60_000;

/**
 * HTTP/1.1 over Bun's TCP/TLS sockets, with keep-alive pools per origin: the outbound client's
 * transport for requests without a proxy. Bun's fetch hands every request to its HTTP thread
 * and back; on a loaded core that handoff costs more than the whole exchange does here (see
 * docs/architecture.md, "Outbound"). Everything around it stays in the client: the SSRF guard,
 * limits (an {@link Exchange}), redirects, error mapping.
 *
 * What it implements: Content-Length and chunked bodies (trailers skipped; any other transfer
 * coding, never offered, is refused; with both lengths chunked wins and the connection is not
 * reused), close-delimited bodies, 1xx interim responses skipped, HEAD/204/304 without body,
 * gzip/deflate/br/zstd decoded (the headers then drop Content-Encoding and Content-Length, as
 * fetch does), back-pressure (the socket stops reading while a slow reader leaves 64 KB unread),
 * TLS with the system's CAs and `NODE_EXTRA_CA_CERTS`, certificate and host name verified.
 * Pooled connections close after 4 s unused, or a second before a `Keep-Alive: timeout=N`. A
 * request on a pooled socket that the server had just closed (nothing received) is sent again
 * once on a fresh connection. New connections race across the vetted addresses (`connect`).
 *
 * This file keeps the pools and starts the connection races; one connection and the response it
 * reads is a `Conn` (socket-conn.ts), one request and its race a `Call` (socket-call.ts).
 */
export class SocketTransport {
  private readonly idle = new Map<string, Conn[]>();
  /** Requests sent or being sent whose response has not started (or that failed) yet. */
  private waiting = 0;
  /** Addresses that lost a race without connecting, until when they go last. */
  private readonly slow = new Map<string, number>();

  request(ex: Exchange, url: URL, method: string, headers: Headers | Record<string, string> | undefined,
    body: SocketBody, buffered: boolean, addrs?: readonly string[]): Promise<Response> {
    const payload = body == null ? null : body instanceof ArrayBuffer ? new Uint8Array(body) : body;
    const length = payload === null ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    const head = requestHead(url, method, headers, payload === null ? -1 : length);
    return new Promise<Response>((resolve, reject) => {
      this.waiting++;
      let waiting = true;
      const settled = () => {
        if (waiting) this.waiting--;
        waiting = false;
      };
      const call: Call = {
        ex, key: url.protocol + url.host, url, method, head, body: payload, bytes: head.length + length, buffered,
        resolve: (res) => (settled(), resolve(res)),
        reject: (err) => (settled(), reject(err)),
        retried: false, addrs: addrs?.length ? this.ordered(addrs) : undefined, addr: 0,
      };
      this.start(call, false);
    });
  }

  /**
   * Whether a request written now should wait for the end of the turn ({@link atTurnEnd}):
   * when other requests are waiting for their answers, more are being sent in this turn.
   */
  holdWrites(): boolean {
    return this.waiting > 1;
  }

  /** Closes every pooled connection (shutdown, tests). Connections in use finish their request first. */
  close(): void {
    for (const conns of this.idle.values()) for (const c of conns.splice(0)) c.socket?.terminate();
  }

  /** Sends `call` on a pooled connection of its origin, or on a new one (always when `fresh`). */
  start(call: Call, fresh: boolean): void {
    const pool = fresh ? undefined : this.idle.get(call.key);
    while (pool && pool.length > 0) {
      const conn = pool.pop()!;
      if (conn.dead) continue;
      conn.begin(call, true);
      return;
    }
    this.connect(call);
  }

  /**
   * Opens a connection for `call`: to the address the SSRF guard vetted (`call.addr` of
   * `call.addrs`; TLS still verifies the certificate for the URL's host name), else to the host.
   * With more addresses left, the next one is tried too if this one is not connected within
   * CONNECTION_ATTEMPT_DELAY_MS, or at once if it fails; the first connection ready wins and
   * the others are closed. The connect limit bounds them all.
   */
  connect(call: Call): void {
    const { ex, url } = call;
    if (call.addr === 0) ex.phase(ex.t.connectMs, 'connecting to');
    const pinned = call.addrs?.[call.addr];
    const conn = new Conn(this, call.key, pinned);
    conn.call = call;
    ex.link = conn;
    (call.racing ??= []).push(conn);
    clearTimeout(call.raceTimer);
    call.raceTimer = call.addrs && call.addr + 1 < call.addrs.length
      ? setTimeout(() => this.nextAddress(call), CONNECTION_ATTEMPT_DELAY_MS)
      : undefined;
    const name = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const tls = url.protocol === 'https:' ? (pinned ? { serverName: name } : true) : false;
    Bun.connect<Conn>({
      hostname: pinned ?? name, port, tls, data: conn, socket: (tls ? TLS_HANDLERS : HANDLERS) as unknown as SocketHandler<Conn>,
    }).catch(noop);
  }

  /** `addrs` with the ones that recently lost a race without connecting moved last. */
  private ordered(addrs: readonly string[]): readonly string[] {
    if (this.slow.size === 0 || addrs.length < 2) return addrs;
    const now = Date.now();
    const isSlow = (a: string) => {
      const until = this.slow.get(a);
      if (until !== undefined && until <= now) this.slow.delete(a);
      return until !== undefined && until > now;
    };
    return [...addrs.filter((a) => !isSlow(a)), ...addrs.filter(isSlow)];
  }

  /** Remembers that `addr` did not connect while another address of its host did. */
  markSlow(addr: string): void {
    if (this.slow.size >= 1024) this.slow.clear();
    this.slow.set(addr, Date.now() + SLOW_ADDRESS_MS);
  }

  /** The next vetted address joins the race, unless a connection won it or the call ended. */
  nextAddress(call: Call): void {
    call.raceTimer = undefined;
    if (!call.racing || call.ex.failure || !call.addrs || call.addr + 1 >= call.addrs.length) return;
    call.addr++;
    this.connect(call);
  }

  /** Puts a connection whose exchange ended cleanly back in its origin's pool. */
  release(conn: Conn): void {
    let pool = this.idle.get(conn.key);
    if (!pool) this.idle.set(conn.key, (pool = []));
    if (pool.length >= MAX_IDLE_PER_ORIGIN) {
      conn.destroy();
      return;
    }
    conn.socket!.timeout(conn.idleSeconds);
    pool.push(conn);
  }

  /**
   * Takes a closed connection out of its pool. An emptied pool goes too: origins come and go
   * with the config (and redirects), and each one ever called would otherwise stay a key.
   */
  forget(conn: Conn): void {
    const pool = this.idle.get(conn.key);
    if (!pool) return;
    const i = pool.indexOf(conn);
    if (i >= 0) pool.splice(i, 1);
    if (pool.length === 0) this.idle.delete(conn.key);
  }
}

/** Bun's socket events, each handed to the socket's `Conn`. */
const HANDLERS: SocketHandler<Conn, 'uint8array'> = {
  binaryType: 'uint8array',
  open: (s) => s.data.opened(s, false),
  data: (s, chunk) => s.data.data(chunk),
  drain: (s) => s.data.drained(),
  close: (s, error) => s.data.closed(error),
  error: (s, error) => s.data.closed(error),
  connectError: (s, error) => s.data.closed(error),
  timeout: (s) => {
    if (!s.data.call) s.data.destroy();
  },
};

/** TLS sockets: with a `handshake` handler Bun calls `open` before the handshake, so requests wait for it. */
const TLS_HANDLERS: SocketHandler<Conn, 'uint8array'> = {
  ...HANDLERS,
  open: (s) => s.data.opened(s, true),
  handshake: (s, ok, error) => s.data.handshake(ok, error),
};
