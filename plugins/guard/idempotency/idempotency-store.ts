import type { StoredReply } from './capture-call-result.ts';
import { ReplyCapture } from './capture-call-result.ts';

interface Entry {
  /** Request id of the call that makes the upstream call. */
  owner: string;
  capture?: ReplyCapture;
  stored?: StoredReply;
  expiresAt: number;
  /** Duplicates waiting for the owner to finish. */
  waiters: Array<() => void>;
}

/** What a request should do with its fingerprint. */
export type Claim =
  | { role: 'leader' }
  | { role: 'replay'; reply: StoredReply }
  | { role: 'wait'; done: Promise<void> }
  /** The store is full of live entries: serve normally, without deduplication. */
  | { role: 'bypass' };

/**
 * Idempotency entries by fingerprint. The first request becomes the leader and makes the
 * upstream call; duplicates in flight wait for its end; once it ended well its reply is kept
 * for `ttlMs` and replayed. A leader that fails leaves nothing behind: its waiters claim again
 * and one of them leads. All state changes are synchronous, so two duplicates arriving in the
 * same tick still make one upstream call.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly owners = new Map<string, string>();
  private lastSweep = 0;

  /** Limits; a reload may change them (the store itself outlives plugin instances). */
  constructor(public opts: { maxEntries: number; maxBytes: number }) {}

  get size(): number {
    return this.entries.size;
  }

  claim(fingerprint: string, callId: string, now: number): Claim {
    this.sweep(now);
    const e = this.entries.get(fingerprint);
    if (e && e.stored && e.expiresAt > now) return { role: 'replay', reply: e.stored };
    if (e && !e.stored) return { role: 'wait', done: new Promise<void>((resolve) => e.waiters.push(resolve)) };
    if (e) this.entries.delete(fingerprint);
    if (this.entries.size >= this.opts.maxEntries) return { role: 'bypass' };
    this.entries.set(fingerprint, { owner: callId, expiresAt: Number.POSITIVE_INFINITY, waiters: [] });
    this.owners.set(callId, fingerprint);
    return { role: 'leader' };
  }

  /** True while `callId` leads an entry (its attempts are recorded). */
  leads(callId: string): boolean {
    return this.owners.has(callId);
  }

  /** A new recorder for the leader's attempt; the last successful attempt's recording counts. */
  startCapture(callId: string): ReplyCapture | undefined {
    const e = this.entryOf(callId);
    if (!e) return undefined;
    e.capture = new ReplyCapture(this.opts.maxBytes);
    return e.capture;
  }

  /** The leader's request ended: keep its reply for `ttlMs` when it ended well, then wake waiters. */
  finish(callId: string, ok: boolean, now: number, ttlMs: number): void {
    const fp = this.owners.get(callId);
    if (fp === undefined) return;
    this.owners.delete(callId);
    const e = this.entries.get(fp);
    if (!e || e.owner !== callId) return;
    const reply = ok ? e.capture?.reply() : undefined;
    if (reply && ttlMs > 0) {
      e.stored = reply;
      e.expiresAt = now + ttlMs;
      e.capture = undefined;
    } else {
      this.entries.delete(fp);
    }
    for (const wake of e.waiters.splice(0)) wake();
  }

  private entryOf(callId: string): Entry | undefined {
    const fp = this.owners.get(callId);
    return fp === undefined ? undefined : this.entries.get(fp);
  }

  /** Drops expired replies, at most once a second. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [fp, e] of this.entries) if (e.stored && e.expiresAt <= now) this.entries.delete(fp);
  }
}
