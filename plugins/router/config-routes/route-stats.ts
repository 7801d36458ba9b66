import type { GatewayEvents } from '../../../core/bus/events.ts';
import { SlidingCount } from './sliding-count.ts';

/** Weight of a new sample in the success-rate EWMA. */
const SUCCESS_ALPHA = 0.2;
/** Weight of a new sample in the latency EWMA. */
const LATENCY_ALPHA = 0.3;
/** A latency older than this is forgotten, so a target that was slow gets re-explored. */
const LATENCY_STALE_MS = 60_000;
/** Window of `uses` (least-used). */
const USE_WINDOW_MS = 60_000;
/** Requests whose reservation is remembered at most (guards against lost events). */
const MAX_RESERVED = 10_000;
/** Keys tracked at most: model names come from clients, so the oldest key is dropped beyond this. */
const MAX_KEYS = 5_000;

interface KeyStats {
  success: number;
  latency?: number;
  latencyAt: number;
  inflight: number;
  uses: SlidingCount;
}

type AttemptInfo = { id: string; provider: string; account?: string; model: string };

/** Memo of `attemptKeys`: provider → model → account → keys (names come from the config and plans). */
const keyMemo = new Map<string, Map<string, Map<string, readonly string[]>>>();
let memoSize = 0;

/**
 * Stats keys of an attempt: the combo-level `provider/model` and the account-level
 * `provider#account`. Memoized (they are asked for several times per request); the array is
 * shared, so read-only (typed so, not frozen: see plan-cache.ts on frozen arrays).
 */
export function attemptKeys(e: { provider: string; account?: string; model: string }): readonly string[] {
  let byModel = keyMemo.get(e.provider);
  if (!byModel) keyMemo.set(e.provider, (byModel = new Map()));
  let byAccount = byModel.get(e.model);
  if (!byAccount) byModel.set(e.model, (byAccount = new Map()));
  const account = e.account ?? '';
  let keys = byAccount.get(account);
  if (!keys) {
    if (++memoSize > MAX_KEYS) {
      keyMemo.clear();
      memoSize = 1;
      keyMemo.set(e.provider, byModel);
      byModel.clear();
      byModel.set(e.model, byAccount);
      byAccount.clear();
    }
    keys = [`${e.provider}/${e.model}`, accountKey(e.provider, e.account)];
    byAccount.set(account, keys);
  }
  return keys;
}

/** `provider#account`, or `provider#` for a provider without accounts. */
export function accountKey(provider: string, account: string | undefined): string {
  return `${provider}#${account ?? ''}`;
}

/**
 * What the router learns from bus events, per target (`provider/model`) and per account
 * (`provider#account`): success rate and latency EWMAs, attempts in flight and uses in a
 * sliding window. Client faults (400/413/422), aborts and guard skips (GW_UNAVAILABLE) are not
 * held against a target.
 */
export class RouteStats {
  private readonly stats = new Map<string, KeyStats>();
  private readonly reserved = new Map<string, readonly string[]>();

  constructor(private readonly now: () => number) {}

  successRate(key: string): number {
    return this.stats.get(key)?.success ?? 1;
  }

  latencyMs(key: string): number | undefined {
    const s = this.stats.get(key);
    if (s?.latency === undefined || this.now() - s.latencyAt > LATENCY_STALE_MS) return undefined;
    return s.latency;
  }

  inflight(key: string): number {
    return this.stats.get(key)?.inflight ?? 0;
  }

  uses(key: string): number {
    return this.stats.get(key)?.uses.total(this.now()) ?? 0;
  }

  /** Counts a use for the plan's first target now; its `attempt:started` will not count again. */
  reserve(requestId: string, keys: readonly string[]): void {
    const now = this.now();
    for (const k of keys) this.entry(k).uses.add(now);
    if (this.reserved.size >= MAX_RESERVED) this.reserved.delete(this.reserved.keys().next().value!);
    this.reserved.set(requestId, keys);
  }

  onStarted(e: GatewayEvents['attempt:started']): void {
    const held = e.n === 1 ? this.reserved.get(e.id) : undefined;
    this.reserved.delete(e.id);
    const now = this.now();
    for (const k of attemptKeys(e)) {
      const s = this.entry(k);
      s.inflight++;
      if (!held?.includes(k)) s.uses.add(now);
    }
  }

  onSucceeded(e: GatewayEvents['attempt:succeeded']): void {
    const now = this.now();
    for (const k of attemptKeys(e)) {
      const s = this.entry(k);
      s.inflight = Math.max(0, s.inflight - 1);
      s.success += SUCCESS_ALPHA * (1 - s.success);
      s.latency = s.latency === undefined || now - s.latencyAt > LATENCY_STALE_MS
        ? e.latencyMs
        : s.latency + LATENCY_ALPHA * (e.latencyMs - s.latency);
      s.latencyAt = now;
    }
  }

  onFailed(e: GatewayEvents['attempt:failed']): void {
    for (const k of attemptKeys(e)) {
      const s = this.entry(k);
      s.inflight = Math.max(0, s.inflight - 1);
      if (countsAgainstTarget(e.code, e.status)) s.success -= SUCCESS_ALPHA * s.success;
    }
  }

  /** A stream that broke after the commit point: a failure of that target (no account known). */
  onBrokenStream(e: AttemptInfo): void {
    const s = this.entry(`${e.provider}/${e.model}`);
    s.success -= SUCCESS_ALPHA * s.success;
  }

  /** The request ended: drop a reservation its attempts never used. */
  forget(requestId: string): void {
    this.reserved.delete(requestId);
  }

  private entry(key: string): KeyStats {
    let s = this.stats.get(key);
    if (!s) {
      if (this.stats.size >= MAX_KEYS) this.stats.delete(this.stats.keys().next().value!);
      s = { success: 1, latencyAt: 0, inflight: 0, uses: new SlidingCount(USE_WINDOW_MS) };
      this.stats.set(key, s);
    }
    return s;
  }
}

/** True when an attempt failure says something about the target (not the client, not a skip). */
export function countsAgainstTarget(code: string, status: number): boolean {
  if (code === 'GW_CLIENT_CLOSED' || code === 'GW_DEADLINE' || code === 'GW_UNAVAILABLE') return false;
  return !(status === 400 || status === 413 || status === 422);
}
