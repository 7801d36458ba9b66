import { SlidingLog } from './sliding-log.ts';

/** The limits of one provider account; any field may be absent. */
export interface TargetLimits {
  /** Requests started in any 60 s span. */
  rpm?: number;
  /** Minimum time between two request starts. */
  minGapMs?: number;
  /** Requests in flight at once (streams count until they end). */
  maxConcurrent?: number;
  /** How long a request may queue for a slot when this is the plan's last target. */
  maxWaitMs?: number;
}

/** Thrown when no slot opens within the allowed wait; `retryAfterMs` is the best estimate. */
export class SlotUnavailable extends Error {
  constructor(readonly retryAfterMs: number, readonly reason: string) {
    super(reason);
  }
}

interface Waiter {
  limits: TargetLimits;
  resolve(release: () => void): void;
  reject(err: unknown): void;
  cleanup(): void;
}

/** When only a release can free a slot, the wait is unknown: tell clients to retry in 1 s. */
const UNKNOWN_WAIT_MS = 1000;

/**
 * Admission control for one provider account: RPM over a sliding minute, a minimum gap between
 * starts and a cap on concurrent requests, with a FIFO queue whose wait is bounded. Waiters are
 * served in arrival order when a slot frees up (a release, or a timer when the next start is
 * known). Check-and-take is synchronous, so concurrent callers never overshoot a limit.
 */
export class TargetLimiter {
  private readonly log = new SlidingLog(60_000);
  private active = 0;
  private lastStart = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `fingerprint` is the account whose starts it counts (`AccountRuntime.fingerprint`); another
   * account at the same id gets a limiter of its own.
   */
  constructor(private readonly now: () => number, public fingerprint?: string) {}

  /** Requests in flight and queued, for reports. */
  stats(): { active: number; queued: number; lastMinute: number } {
    this.log.prune(this.now());
    return { active: this.active, queued: this.queue.length, lastMinute: this.log.count };
  }

  /**
   * Takes a slot, waiting up to `maxWaitMs` in line. Resolves to the release function (call it
   * exactly once when the request ends). Rejects with SlotUnavailable when the wait would be
   * longer, or with the signal's reason when it aborts while queued.
   */
  acquire(limits: TargetLimits, maxWaitMs: number, signal?: AbortSignal): Promise<() => void> {
    const now = this.now();
    const wait = this.waitFor(limits, now);
    if (this.queue.length === 0 && wait === 0) {
      this.take(now);
      return Promise.resolve(this.releaser());
    }
    if (maxWaitMs <= 0 || (Number.isFinite(wait) && wait > maxWaitMs)) {
      return Promise.reject(this.unavailable(limits, wait));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.drop(waiter);
        reject(this.unavailable(limits, this.waitFor(limits, this.now())));
      }, maxWaitMs);
      const onAbort = () => {
        this.drop(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        limits, resolve, reject,
        cleanup: () => {
          clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Milliseconds until `limits` admit one more start: 0 now, Infinity when only a release can. */
  waitFor(limits: TargetLimits, now: number): number {
    this.log.prune(now);
    let wait = 0;
    if (limits.maxConcurrent !== undefined && this.active >= limits.maxConcurrent) wait = Number.POSITIVE_INFINITY;
    if (limits.rpm !== undefined) wait = Math.max(wait, this.log.waitUntilCountBelow(now, limits.rpm));
    if (limits.minGapMs !== undefined) wait = Math.max(wait, this.lastStart + limits.minGapMs - now);
    return Math.max(0, wait);
  }

  private take(now: number): void {
    this.active++;
    this.lastStart = now;
    this.log.add(now);
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.pump();
    };
  }

  private drop(w: Waiter): void {
    w.cleanup();
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
    if (i === 0) this.pump();
  }

  /** Serves waiters in order while the head fits; otherwise wakes up when it will. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const now = this.now();
      const wait = this.waitFor(head.limits, now);
      if (wait > 0) {
        if (Number.isFinite(wait)) this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.queue.shift();
      head.cleanup();
      this.take(now);
      head.resolve(this.releaser());
    }
  }

  private unavailable(limits: TargetLimits, wait: number): SlotUnavailable {
    const why = [
      limits.rpm !== undefined ? `${limits.rpm} requests/min` : '',
      limits.minGapMs !== undefined ? `${limits.minGapMs} ms between requests` : '',
      limits.maxConcurrent !== undefined ? `${limits.maxConcurrent} concurrent` : '',
    ].filter(Boolean).join(', ');
    return new SlotUnavailable(Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : UNKNOWN_WAIT_MS, why);
  }
}
