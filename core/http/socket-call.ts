import { GatewayError } from '../errors/gateway-error.ts';
import type { Exchange } from './exchange.ts';
import type { Conn } from './socket-conn.ts';

/** One request waiting for, or reading, its response. */
export interface Call {
  readonly ex: Exchange;
  readonly key: string;
  readonly url: URL;
  readonly method: string;
  /** Request head and body, kept until the response starts (a stale pooled socket retries once). */
  readonly head: string;
  readonly body: Uint8Array | string | null;
  /** Bytes of head + body on the wire. */
  readonly bytes: number;
  /** true: resolve with the whole body read; false: resolve at the head with a streamed body. */
  readonly buffered: boolean;
  resolve(res: Response): void;
  reject(err: unknown): void;
  retried: boolean;
  /** The addresses the SSRF guard vetted for the host (tried in order), or undefined: the host as it is. */
  readonly addrs: readonly string[] | undefined;
  /** Which of `addrs` the latest connection attempt uses. */
  addr: number;
  /** Connection attempts still under way (Happy Eyeballs): the first that is ready sends the call. */
  racing?: Conn[];
  /** Starts the attempt on the next address if none is ready by then. */
  raceTimer?: ReturnType<typeof setTimeout>;
}

/** Ends a connection race: the timer stops and every attempt but `winner` is closed. */
export function endRace(call: Call, winner?: Conn): void {
  clearTimeout(call.raceTimer);
  call.raceTimer = undefined;
  const racing = call.racing;
  call.racing = undefined;
  if (racing) for (const c of racing) if (c !== winner) c.drop();
}

export function malformedError(call: Call, what: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `Upstream ${call.url.hostname} sent ${what}.`, { status: 502, retryable: true });
}

/** How soon after the write a close means the server closed the idle socket, not the request. */
const STALE_CLOSE_MS = 250;
/** Methods safe to send again whenever the socket closes before any answer. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether a call whose pooled socket closed before any answer may be sent again (once): when
 * the close came right after the write (`STALE_CLOSE_MS`, the server had closed the idle socket
 * before it could run the request), or the method is idempotent. A POST that waited longer may
 * have been run (a slow generation a proxy then cut): sent again it would run twice.
 */
export function maySendAgain(call: Call, sentAt: number): boolean {
  return !call.retried && (performance.now() - sentAt < STALE_CLOSE_MS || IDEMPOTENT.has(call.method));
}
