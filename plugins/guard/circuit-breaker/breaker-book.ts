import type { BreakerConfig } from './breaker-config.ts';
import type { BreakerOutcome } from './classify-breaker-outcome.ts';
import { OutcomeWindow } from './outcome-window.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** One breaker: a provider's (no `account`) or one account's. */
export interface Breaker {
  readonly provider: string;
  readonly account?: string;
  state: BreakerState;
  /** Consecutive failures while closed. */
  consecutive: number;
  /** Openings since it was last closed (drives the growing open time). */
  opens: number;
  openUntil: number;
  /** The half-open probe is in flight. */
  probing: boolean;
  /** Bumped on every state change; an outcome counts only if nothing changed since its attempt was admitted. */
  version: number;
  readonly window: OutcomeWindow;
  /** An account's breaker: the account (`AccountRuntime.fingerprint`) whose outcomes it holds. */
  fingerprint?: string;
}

/** The answer to "may this attempt call the upstream?". */
export interface Admission {
  ok: boolean;
  /** Breakers for which this attempt is the half-open probe. */
  probes: Breaker[];
  /** When refused: the breaker that refused and how long it stays open (undefined while a probe runs). */
  blockedBy?: Breaker;
  retryAfterMs?: number;
  /** Each breaker's `version` once admitted (same order as the breakers): hand it to `record`. */
  seen: number[];
}

export type StateListener = (b: Breaker, from: BreakerState, to: BreakerState) => void;

/**
 * The breakers' state machine, per provider and per account:
 * closed → open after `failures` consecutive failures or a failure rate over the window;
 * open → half-open once `openUntil` passed, admitting exactly one probe (concurrent attempts
 * are refused); a good probe closes it, a bad one opens it again for longer
 * (`baseOpenMs × n`, capped, with jitter). Outcomes of attempts that started before a state
 * change do not change it again: a burst of failures opens a breaker once, a slow success that
 * was in flight when it opened does not close it, and a slow failure that was in flight before
 * it closed does not count against the closed breaker. An account's breaker belongs to the account
 * (fingerprint) whose outcomes opened it, not to its id: another account at the id starts closed.
 */
export class BreakerBook {
  private readonly breakers = new Map<string, Breaker>();

  constructor(
    private cfg: BreakerConfig,
    private readonly now: () => number,
    private onChange: StateListener,
    private readonly random: () => number = Math.random,
  ) {}

  /** A new instance's settings and listener (the book is kept across reloads); what it holds stays. */
  configure(cfg: BreakerConfig, onChange: StateListener): this {
    this.cfg = cfg;
    this.onChange = onChange;
    return this;
  }

  /**
   * The breakers an attempt passes: the provider's, then the account's (if any). `fingerprint` is
   * the account's: when another account now has the id (a key removed from `keys:` moves the
   * next one into its place), the old account's breaker is closed for it first.
   */
  breakersFor(provider: string, account?: string, fingerprint?: string): Breaker[] {
    const out = [this.get(provider)];
    if (account === undefined) return out;
    const b = this.get(provider, account);
    if (fingerprint !== undefined && b.fingerprint !== fingerprint) this.identify(b, fingerprint);
    out.push(b);
    return out;
  }

  /** `breakersFor`'s check of which account has the id, for a breaker the book has, without an attempt (a reload). */
  reidentify(provider: string, account: string, fingerprint: string): void {
    const b = this.breakers.get(`${provider}#${account}`);
    if (b && b.fingerprint !== fingerprint) this.identify(b, fingerprint);
  }

  list(): readonly Breaker[] {
    return [...this.breakers.values()];
  }

  /** Refuses while any breaker is open or probing; otherwise admits, as the probe where due. */
  admit(breakers: Breaker[]): Admission {
    const now = this.now();
    let blockedBy: Breaker | undefined;
    const due: Breaker[] = [];
    for (const b of breakers) {
      if (b.state === 'closed') continue;
      if ((b.state === 'open' && now < b.openUntil) || (b.state === 'half-open' && b.probing)) {
        if (!blockedBy || b.openUntil > blockedBy.openUntil) blockedBy = b;
      } else {
        due.push(b);
      }
    }
    if (blockedBy) {
      const retryAfterMs = blockedBy.state === 'open' ? Math.max(0, blockedBy.openUntil - now) : undefined;
      return { ok: false, probes: [], blockedBy, retryAfterMs, seen: breakers.map((b) => b.version) };
    }
    for (const b of due) {
      b.probing = true;
      if (b.state === 'open') this.move(b, 'half-open');
    }
    return { ok: true, probes: due, seen: breakers.map((b) => b.version) };
  }

  /**
   * Records how an attempt (admitted or forced through) ended. `seen` (from its admission)
   * tells which breakers changed state since: for those the outcome is stale and ignored.
   */
  record(breakers: Breaker[], probes: readonly Breaker[], outcome: BreakerOutcome, seen?: readonly number[]): void {
    const now = this.now();
    for (let i = 0; i < breakers.length; i++) {
      const b = breakers[i];
      const probe = probes.includes(b) && b.state === 'half-open';
      if (outcome === 'neutral') {
        if (probe) b.probing = false;
        continue;
      }
      if (!probe && seen !== undefined && seen[i] !== b.version) continue;
      b.window.add(now, outcome === 'failure');
      if (outcome === 'success') {
        b.consecutive = 0;
        if (b.state !== 'closed') this.close(b);
      } else if (probe) {
        this.open(b, now);
      } else if (b.state === 'closed') {
        b.consecutive++;
        if (b.consecutive >= this.cfg.failures || this.rateTripped(b, now)) this.open(b, now);
      }
    }
  }

  /** Open time for the n-th consecutive opening, with jitter, within [0, maxOpenMs]. */
  openMs(n: number): number {
    const base = Math.min(this.cfg.baseOpenMs * n, this.cfg.maxOpenMs);
    const jittered = base * (1 + this.cfg.jitter * (2 * this.random() - 1));
    return Math.round(Math.min(this.cfg.maxOpenMs, Math.max(0, jittered)));
  }

  private rateTripped(b: Breaker, now: number): boolean {
    const { requests, failures } = b.window.totals(now);
    return requests >= this.cfg.minRequests && failures / requests >= this.cfg.failureRate;
  }

  private open(b: Breaker, now: number): void {
    b.opens++;
    b.openUntil = now + this.openMs(b.opens);
    b.consecutive = 0;
    b.probing = false;
    this.move(b, 'open');
  }

  /**
   * The id now names the account `fingerprint`: a breaker first seen adopts it; another account's
   * starts closed and empty, and outcomes of attempts admitted before count for nobody.
   */
  private identify(b: Breaker, fingerprint: string): void {
    const fresh = b.fingerprint === undefined;
    b.fingerprint = fingerprint;
    if (fresh) return;
    b.version++;
    this.close(b);
  }

  private close(b: Breaker): void {
    b.opens = 0;
    b.consecutive = 0;
    b.probing = false;
    b.openUntil = 0;
    b.window.reset();
    this.move(b, 'closed');
  }

  private move(b: Breaker, to: BreakerState): void {
    const from = b.state;
    b.state = to;
    if (from === to) return;
    b.version++;
    this.onChange(b, from, to);
  }

  private get(provider: string, account?: string): Breaker {
    const key = account === undefined ? provider : `${provider}#${account}`;
    let b = this.breakers.get(key);
    if (!b) {
      b = {
        provider, ...(account === undefined ? {} : { account }), state: 'closed', consecutive: 0, opens: 0, openUntil: 0,
        probing: false, version: 0, window: new OutcomeWindow(this.cfg.windowMs),
      };
      this.breakers.set(key, b);
    }
    return b;
  }
}
