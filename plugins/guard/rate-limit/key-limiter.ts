import { SlidingLog, type LogEntry } from './sliding-log.ts';

/** A client key's limits per sliding minute. */
export interface KeyLimits {
  rpm?: number;
  tpm?: number;
}

/** What one check decided, with the figures for the `x-ratelimit-*` headers. */
export interface KeyDecision {
  /** 0 when admitted, else milliseconds until the key may send again. */
  waitMs: number;
  remainingRequests?: number;
  remainingTokens?: number;
  /** Milliseconds until the oldest counted request (or token) leaves the window. */
  resetRequestsMs: number;
  resetTokensMs: number;
  /** Set when admitted with a TPM limit: pass it to `settle` with the real usage. */
  tokens?: LogEntry;
}

/**
 * Per client key RPM and TPM over a sliding minute. Requests count when admitted; tokens are
 * reserved at admission with an estimate of the input and corrected with the real usage when
 * the request ends, so a burst of concurrent requests is counted before any of them finishes.
 */
export class KeyLimiter {
  private readonly requests = new SlidingLog(60_000);
  private readonly tokens = new SlidingLog(60_000);

  /** Checks and, when admitted, counts one request reserving `estimatedTokens`. */
  admit(now: number, limits: KeyLimits, estimatedTokens: number): KeyDecision {
    this.requests.prune(now);
    this.tokens.prune(now);
    const waitR = limits.rpm === undefined ? 0 : this.requests.waitUntilCountBelow(now, limits.rpm);
    const waitT = limits.tpm === undefined ? 0 : this.tokens.waitUntilSumBelow(now, limits.tpm);
    const waitMs = Math.max(waitR, waitT);
    let tokens: LogEntry | undefined;
    if (waitMs === 0) {
      this.requests.add(now);
      if (limits.tpm !== undefined) tokens = this.tokens.add(now, estimatedTokens);
    }
    return {
      waitMs,
      remainingRequests: limits.rpm === undefined ? undefined : Math.max(0, limits.rpm - this.requests.count),
      remainingTokens: limits.tpm === undefined ? undefined : Math.max(0, limits.tpm - this.tokens.sum),
      resetRequestsMs: this.requests.waitUntilCountBelow(now, 1),
      resetTokensMs: this.tokens.waitUntilSumBelow(now, 1),
      tokens,
    };
  }

  /** Replaces a reservation with the tokens the request really used. */
  settle(entry: LogEntry, tokens: number): void {
    this.tokens.adjust(entry, tokens);
  }
}
