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
