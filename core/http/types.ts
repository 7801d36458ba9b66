import type { Timeouts } from '../plugin/types.ts';

/** Options of one outbound request, on top of the usual fetch init. */
export interface OutboundInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | FormData | Blob | null;
  /** Aborts the request (client disconnect, deadline). The upstream connection is closed at once. */
  signal?: AbortSignal;
  /** Connect, first-byte, idle (between body chunks) and total limits in ms. */
  timeouts?: Partial<Timeouts>;
  /** Loopback and private ranges are refused unless this is true. Metadata and link-local always are. */
  allowPrivateNetwork?: boolean;
  /** `http://host:port` proxy for this request (provider or global setting). */
  proxy?: string;
  /**
   * `false`: the reply is complete JSON, not a stream — it is read whole inside the client (under
   * the idle limit) and returned as a plain body, one stream layer fewer. Default: streamed.
   */
  stream?: boolean;
}

/**
 * The one outbound HTTP client. Every upstream call goes through it.
 *
 * Errors: throws GatewayError `GW_SSRF_BLOCKED` (not retryable) for a refused address,
 * `GW_UPSTREAM_CONNECT` (retryable) when the connection fails, `GW_UPSTREAM_TIMEOUT`
 * (retryable) when a connect / first-byte / total limit passes, `GW_CLIENT_CLOSED` when
 * `signal` aborts. The idle limit applies while the body is read: the body stream errors with
 * `GW_UPSTREAM_TIMEOUT`. HTTP error statuses are returned, not thrown.
 */
export interface HttpClient {
  fetch(url: string, init?: OutboundInit): Promise<Response>;
  /** Closes the pooled idle connections (shutdown). Requests in flight are not affected. */
  close?(): void;
}
