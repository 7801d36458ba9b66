import type { CooldownConfig } from './cooldown-config.ts';
import type { CredentialOutcome } from './classify-credential-error.ts';

export type AccountState = 'ready' | 'cooling' | 'probing' | 'failed';

/** The cooldown state of one account (`account` undefined: a provider without accounts). */
export interface AccountCooldown {
  readonly provider: string;
  readonly account?: string;
  state: AccountState;
  /** Backoff level: 429s in a row (not counting concurrent ones); 0 after a success. */
  level: number;
  /** End of the cooldown (epoch ms, host clock) while `cooling`. */
  until: number;
  /** Consecutive 401s. */
  unauthorized: number;
  /** Why it cools or failed (`rate-limited`, `unauthorized`, the terminal pattern, `operator`). */
  reason?: string;
  /** Bumped on every change; an outcome applies only if nothing changed since its attempt began. */
  version: number;
  /** The account (`AccountRuntime.fingerprint`) the state was earned by: `keys:` accounts are named by position. */
  fingerprint?: string;
}

/** An attempt's pass: whether it may call, whether it is the probe, and what it observed. */
export interface Ticket {
  ok: boolean;
  probe: boolean;
  version: number;
  entry: AccountCooldown;
  /** The entry's account when admitted: an outcome of another account than the one now at its id is ignored. */
  fingerprint?: string;
  retryAfterMs?: number;
}

export type CooldownListener = (a: AccountCooldown, from: AccountState, to: AccountState) => void;

/**
 * Account cooldowns. A 429 cools the account for the upstream's wait hint, else for an
 * escalating default (`baseMs × 2^(level-1)`, capped); once it ends, exactly one probe goes
 * through while others stay refused. K consecutive 401s or a terminal error (no credit,
 * revoked) mark it `failed` until an operator resets it, the config reloads, or a call
 * succeeds. Single-flight: an outcome changes the state only if the state has not changed
 * since its attempt was admitted, so 200 concurrent 429s raise the level once. State belongs to
 * the account (fingerprint) that earned it, not to its id: another account at the id starts ready.
 */
export class CooldownBook {
  private readonly accounts = new Map<string, AccountCooldown>();

  constructor(
    private cfg: CooldownConfig,
    private readonly now: () => number,
    private onChange: CooldownListener,
  ) {}

  /** A new instance's settings and listener (the book is kept across reloads); what it holds stays. */
  configure(cfg: CooldownConfig, onChange: CooldownListener): this {
    this.cfg = cfg;
    this.onChange = onChange;
    return this;
  }

  list(): readonly AccountCooldown[] {
    return [...this.accounts.values()];
  }

  /**
   * An attempt's pass. `fingerprint` is the account's (`AccountRuntime.fingerprint`): when
   * another account now has this id (a key removed from `keys:` moves the next one into its
   * place), the state was the old account's and starts over.
   */
  admit(provider: string, account?: string, fingerprint?: string): Ticket {
    const entry = this.get(provider, account);
    if (fingerprint !== undefined && entry.fingerprint !== fingerprint) this.identify(entry, fingerprint);
    const now = this.now();
    if (entry.state === 'cooling' && now >= entry.until) {
      this.move(entry, 'probing');
      return { ok: true, probe: true, version: entry.version, entry, fingerprint: entry.fingerprint };
    }
    if (entry.state === 'ready') return { ok: true, probe: false, version: entry.version, entry, fingerprint: entry.fingerprint };
    const retryAfterMs = entry.state === 'cooling' ? entry.until - now : undefined;
    return {
      ok: false, probe: false, version: entry.version, entry, fingerprint: entry.fingerprint,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }

  /**
   * The attempt succeeded: the account is fine again (also clears `failed`: the key works). A
   * success that started before the account began cooling, probing or failed says nothing about
   * now: a slow reply admitted before a 429 must not put the account straight back in rotation,
   * nor end a probe in flight (whose own answer would then be ignored as stale). Nor does a
   * success of the account that had the id before.
   */
  succeed(t: Ticket): void {
    const e = t.entry;
    if (t.fingerprint !== e.fingerprint) return;
    if (e.state === 'ready' && e.level === 0 && e.unauthorized === 0) return;
    if (e.version !== t.version && e.state !== 'ready') return;
    e.level = 0;
    e.unauthorized = 0;
    e.reason = undefined;
    e.version++;
    this.move(e, 'ready');
  }

  /**
   * The attempt failed with `outcome`. Returns the remaining cooldown in ms when the account
   * is cooling afterwards (callers tell it to the layers above), else undefined. A failure of
   * the account that had the id before (its attempt was admitted before the id changed hands)
   * changes nothing.
   */
  fail(t: Ticket, outcome: CredentialOutcome, retryAfterMs?: number, detail?: string): number | undefined {
    const e = t.entry;
    if (t.fingerprint !== e.fingerprint) return undefined;
    const fresh = e.version === t.version;
    if (outcome === 'terminal') {
      if (e.state !== 'failed') this.markFailed(e, detail ?? 'terminal');
    } else if (outcome === 'rate-limited' && fresh && e.state !== 'failed') {
      e.level++;
      e.until = this.now() + (retryAfterMs ?? this.defaultMs(e.level));
      e.reason = 'rate-limited';
      e.version++;
      this.move(e, 'cooling');
    } else if (outcome === 'unauthorized' && fresh && e.state !== 'failed') {
      e.unauthorized++;
      e.version++;
      if (e.unauthorized >= this.cfg.unauthorizedLimit) this.markFailed(e, 'unauthorized');
    }
    // A probe that ended without a new cooldown hands the account back.
    if (t.probe && e.state === 'probing') this.move(e, 'ready');
    return e.state === 'cooling' ? Math.max(0, e.until - this.now()) : undefined;
  }

  /** Default cooldown at `level` (1-based). */
  defaultMs(level: number): number {
    return Math.min(this.cfg.maxMs, this.cfg.baseMs * 2 ** Math.max(0, level - 1));
  }

  /** Operator reset: matching accounts (all when no filter) back to ready. Returns how many changed. */
  reset(filter: { provider?: string; account?: string } = {}): number {
    let n = 0;
    for (const e of this.accounts.values()) {
      if (filter.provider !== undefined && e.provider !== filter.provider) continue;
      if (filter.account !== undefined && e.account !== filter.account) continue;
      if (e.state === 'ready' && e.level === 0 && e.unauthorized === 0) continue;
      e.level = 0;
      e.unauthorized = 0;
      e.reason = 'operator';
      e.version++;
      this.move(e, 'ready');
      n++;
    }
    return n;
  }

  /** Config reload: failed accounts get another chance (cooldowns keep running). */
  clearFailed(): number {
    let n = 0;
    for (const e of this.accounts.values()) {
      if (e.state !== 'failed') continue;
      e.unauthorized = 0;
      e.reason = 'config reloaded';
      e.version++;
      this.move(e, 'ready');
      n++;
    }
    return n;
  }

  /** `admit`'s check of which account has the id, for an id the book has seen, without an attempt (a reload). */
  reidentify(provider: string, account: string, fingerprint: string): void {
    const e = this.accounts.get(`${provider}#${account}`);
    if (e && e.fingerprint !== fingerprint) this.identify(e, fingerprint);
  }

  /** The id now names the account `fingerprint`: an entry first seen adopts it, another's state starts over. */
  private identify(e: AccountCooldown, fingerprint: string): void {
    const fresh = e.fingerprint === undefined;
    e.fingerprint = fingerprint;
    if (fresh) return;
    e.version++;
    if (e.state === 'ready' && e.level === 0 && e.unauthorized === 0) return;
    e.level = 0;
    e.unauthorized = 0;
    e.reason = undefined;
    this.move(e, 'ready');
  }

  private markFailed(e: AccountCooldown, reason: string): void {
    e.reason = reason;
    e.version++;
    this.move(e, 'failed');
  }

  private move(e: AccountCooldown, to: AccountState): void {
    const from = e.state;
    if (from === to && to !== 'cooling') return;
    e.state = to;
    e.version++;
    this.onChange(e, from, to);
  }

  private get(provider: string, account?: string): AccountCooldown {
    const key = `${provider}#${account ?? ''}`;
    let e = this.accounts.get(key);
    if (!e) {
      e = { provider, ...(account === undefined ? {} : { account }), state: 'ready', level: 0, until: 0, unauthorized: 0, version: 0 };
      this.accounts.set(key, e);
    }
    return e;
  }
}
