import { postJson } from '../../../core/http/post-json.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import type { Logger } from '../../../core/log/logger.ts';
import { encodeOtlpTraces, type FinishedSpan, type Resource } from './encode-otlp-traces.ts';

export interface OtlpExporterOptions {
  /** `…/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  http: HttpClient;
  allowPrivateNetwork: boolean;
  resource: Resource;
  log: Logger;
  /** A batch is sent at least this often while spans wait. */
  intervalMs: number;
  /** Spans per request; a full batch is sent at once. */
  maxBatch: number;
  /** Spans kept while the collector is away; the oldest are dropped past it. */
  maxQueue: number;
  /** Longest wait between retries after failures (doubling from 1 s). */
  maxBackoffMs?: number;
  now?: () => number;
}

/**
 * Sends finished spans to an OTLP/HTTP collector as JSON, in batches, through the gateway's
 * outbound client (SSRF guard, timeouts). Never in a request's way: `add` only queues. A failed
 * export (no answer, 429, 502, 503, 504) keeps its spans and retries after a backoff (1 s doubling
 * to `maxBackoffMs`); while the collector stays away the queue is capped and the oldest spans are
 * dropped (counted). A batch refused with any other status is dropped at once (counted).
 */
export class OtlpExporter {
  private queue: FinishedSpan[] = [];
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private backoffMs = 0;
  private retryAt = 0;
  /** Spans dropped because the queue was full; sent batches and spans so far. */
  readonly stats = { dropped: 0, sentBatches: 0, sentSpans: 0, failures: 0 };

  constructor(private readonly o: OtlpExporterOptions) {
    this.timer = setInterval(() => void this.flush(), o.intervalMs);
    this.timer.unref?.();
  }

  add(span: FinishedSpan): void {
    this.queue.push(span);
    if (this.queue.length > this.o.maxQueue) {
      const over = this.queue.length - this.o.maxQueue;
      this.queue.splice(0, over);
      this.stats.dropped += over;
    }
    if (this.queue.length >= this.o.maxBatch) void this.flush();
  }

  pending(): number {
    return this.queue.length;
  }

  /** Sends what is queued, a batch at a time, unless a send is running or a backoff is waiting. */
  flush(): Promise<void> {
    if (this.sending) return this.sending;
    if (this.queue.length === 0 || this.now() < this.retryAt) return Promise.resolve();
    this.sending = this.drain().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Stops the timer and makes a last attempt to send everything, within `deadlineMs`. */
  async close(deadlineMs = 2000): Promise<void> {
    clearInterval(this.timer);
    this.retryAt = 0;
    const done = (async () => {
      await this.sending;
      await this.flush();
    })();
    await Promise.race([done, Bun.sleep(deadlineMs)]);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.o.maxBatch);
      const failure = await this.send(batch);
      if (failure === undefined) {
        this.backoffMs = 0;
        this.stats.sentBatches++;
        this.stats.sentSpans += batch.length;
        continue;
      }
      this.stats.failures++;
      if (!retryable(failure)) {
        // The collector will never take this batch (bad data, too large, not authorized): the
        // OTLP spec forbids a retry, and retrying would hold every later span behind it.
        this.stats.dropped += batch.length;
        this.o.log.warn(`OTLP export to ${hostOf(this.o.url)} refused (${failure}); ${batch.length} spans dropped`);
        continue;
      }
      // Back to the front, within the cap: the newest spans win.
      this.queue = batch.concat(this.queue);
      if (this.queue.length > this.o.maxQueue) {
        this.stats.dropped += this.queue.length - this.o.maxQueue;
        this.queue = this.queue.slice(this.queue.length - this.o.maxQueue);
      }
      if (this.backoffMs === 0) this.o.log.warn(`OTLP export to ${hostOf(this.o.url)} failed (${failure}); retrying with backoff`);
      this.backoffMs = Math.min(this.o.maxBackoffMs ?? 60_000, Math.max(1000, this.backoffMs * 2));
      this.retryAt = this.now() + this.backoffMs;
      return;
    }
  }

  /** Undefined when the collector took the batch, else why not. */
  private send(batch: FinishedSpan[]): Promise<string | undefined> {
    return postJson(this.o.http, this.o.url, encodeOtlpTraces(batch, this.o.resource), {
      headers: this.o.headers, allowPrivateNetwork: this.o.allowPrivateNetwork,
    });
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }
}

/**
 * Whether a failed export may succeed later: transport errors and the statuses the OTLP spec
 * names as retryable (429, 502, 503, 504). Every other status means the batch is refused for good.
 *
 * @see https://opentelemetry.io/docs/specs/otlp/#failures-1
 */
function retryable(failure: string): boolean {
  const status = /^HTTP (\d{3})$/.exec(failure)?.[1];
  return status === undefined || ['429', '502', '503', '504'].includes(status);
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : 'the collector';
}
