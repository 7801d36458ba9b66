import type { GatewayConfig } from '../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import type { CallContext, ClientKeyInfo, HttpInput, OperationName, ProviderRuntime } from '../plugin/types.ts';
import { clientRequestId } from './request-id.ts';
import type { Dialect } from '../types/hub.ts';

/**
 * The CallContext of one pipeline run. `state` and `responseHeaders` are made on first use:
 * most requests never touch them, and a Map plus a Headers object per request are measurable
 * on the hot path. Until a plugin reads `responseHeaders`, the only headers the client gets
 * from it are `x-request-id` and, when it sent its own, `x-client-request-id` (see
 * `addHeadersTo` and `headersWith`).
 */
export class RunCall implements CallContext {
  readonly startedAt = performance.now();
  deadline: number | undefined;
  private headers: Headers | undefined;
  private map: Map<string, unknown> | undefined;

  constructor(
    readonly id: string,
    readonly dialect: Dialect,
    readonly operation: OperationName,
    readonly requestedModel: string,
    readonly signal: AbortSignal,
    readonly http: HttpInput,
    readonly providers: ReadonlyMap<string, ProviderRuntime>,
    readonly config: Readonly<GatewayConfig>,
    readonly log: Logger,
    public key: ClientKeyInfo | undefined,
  ) {}

  /** The client's own `X-Request-Id`, when it sent a sane one (echoed as `x-client-request-id`). */
  get clientRequestId(): string | undefined {
    return this.http.headers.has('x-request-id') ? clientRequestId(this.http.headers) : undefined;
  }

  get responseHeaders(): Headers {
    if (!this.headers) {
      this.headers = new Headers({ 'x-request-id': this.id });
      const client = this.clientRequestId;
      if (client) this.headers.set('x-client-request-id', client);
    }
    return this.headers;
  }

  get state(): Map<string, unknown> {
    return (this.map ??= new Map());
  }

  /** Adds the response headers (`x-request-id` and any a plugin set) to a finished response. */
  addHeadersTo(res: Response): Response {
    if (!this.headers && !this.http.headers.has('x-request-id')) res.headers.set('x-request-id', this.id);
    else for (const [k, v] of this.responseHeaders) res.headers.set(k, v);
    return res;
  }

  /** The headers of a response about to be built: `base` plus the response headers, which win. */
  headersWith(base: Record<string, string>): Record<string, string> {
    if (!this.headers && !this.http.headers.has('x-request-id')) base['x-request-id'] = this.id;
    else for (const [k, v] of this.responseHeaders) base[k] = v;
    return base;
  }
}
