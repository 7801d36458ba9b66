import type { UsageQueries } from '../../../core/db/usage-repo.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { formatCountdown } from '../../../core/util/time-windows.ts';
import type { QuotaRule } from './quota-config.ts';
import { QuotaCounter } from './quota-counter.ts';
import { quotaLine, type QuotaLine } from './quota-report.ts';

/** Rows read to rebuild a rolling window; older usage past it is summed into one bucket. */
const SEED_ROWS = 50_000;

/** An account that just ran out of one of its quotas. */
export interface Exhaustion {
  provider: string;
  account?: string;
  window: string;
  metric: string;
  resetsAt?: number;
}

/**
 * What the instances a reload makes share (one per gateway and plugin name): the attempts in
 * flight per provider account and which calls hold them, so requests still in flight when the
 * settings change keep counting against the new instance's request quotas; and which account
 * holds each id, so a new instance does not seed an id's counters with another account's usage.
 */
export interface QuotaKept {
  /** `provider\0account` → attempts admitted and not finished. */
  cells: Map<string, { n: number }>;
  /** Call id → the cells its attempts hold until the call ends. */
  pending: Map<string, Array<{ n: number }>>;
  /**
   * `provider\0account` → the account (`AccountRuntime.fingerprint`) that has the id, and since
   * when (epoch ms, host clock; 0: the usage table's rows of the id are all its own).
   */
  owners: Map<string, { fingerprint: string; since: number }>;
}

/** A fresh, unshared set of in-flight counts and owners. */
export function newQuotaKept(): QuotaKept {
  return { cells: new Map(), pending: new Map(), owners: new Map() };
}

/**
 * All quota counters of one plugin instance: one per rule and provider account, made when first
 * needed and seeded from the usage table (successful requests in the window), so a restart or
 * reload keeps the figures. In-flight requests are held in `kept`, which outlives the instance.
 * Counters belong to the account (fingerprint) at the id, not to the id: when another account
 * takes the id (a key removed from `keys:` moves the next one into its place), it starts with
 * what it used itself since then, not with the old account's spent quota.
 */
export class QuotaBook {
  private readonly counters = new Map<string, QuotaCounter>();

  constructor(
    private readonly rules: QuotaRule[], private readonly usage: UsageQueries, private readonly now: () => number,
    private readonly kept: QuotaKept = newQuotaKept(),
  ) {}

  private flight(provider: string, account: string | undefined): { n: number } {
    const key = `${provider}\0${account ?? ''}`;
    let cell = this.kept.cells.get(key);
    if (!cell) this.kept.cells.set(key, (cell = { n: 0 }));
    return cell;
  }

  /**
   * Records that account `fingerprint` has the id, as an attempt or a reload shows it. Answers
   * since when its usage counts (0: all of the id's rows) and whether it just took the id from
   * another account, whose in-flight requests then stop counting for it.
   */
  private own(provider: string, account: string | undefined, fingerprint: string): { since: number; changed: boolean } {
    const key = `${provider}\0${account ?? ''}`;
    const o = this.kept.owners.get(key);
    if (!o) {
      this.kept.owners.set(key, { fingerprint, since: 0 });
      return { since: 0, changed: false };
    }
    if (o.fingerprint === fingerprint) return { since: o.since, changed: false };
    o.fingerprint = fingerprint;
    o.since = this.now();
    this.kept.cells.set(key, { n: 0 });
    return { since: o.since, changed: true };
  }

  /** A reload: an id the book has seen that now names another account is handed over at once. */
  reidentify(provider: string, account: string, fingerprint: string): void {
    if (this.kept.owners.has(`${provider}\0${account}`)) this.own(provider, account, fingerprint);
  }

  private matching(provider: string, account?: string): number[] {
    return this.rules.flatMap((r, i) => (r.provider === provider && (r.account === undefined || r.account === account) ? [i] : []));
  }

  /**
   * Rule `i`'s counter for the account at `account`. With a `fingerprint` (an attempt, a report)
   * a counter of another account is replaced; without (a completed request) it is taken as it is.
   */
  private counter(i: number, provider: string, account: string | undefined, fingerprint?: string): { c: QuotaCounter; fresh: boolean } {
    const id = `${i}\0${provider}\0${account ?? ''}`;
    const found = this.counters.get(id);
    if (found && (fingerprint === undefined || found.fingerprint === fingerprint)) return { c: found, fresh: false };
    if (fingerprint === undefined) {
      const owner = this.kept.owners.get(`${provider}\0${account ?? ''}`);
      return { c: this.make(id, i, provider, account, owner?.fingerprint, owner?.since ?? 0), fresh: true };
    }
    const { since, changed } = this.own(provider, account, fingerprint);
    // Made before the id's account was known (by a completed request): it counted this account.
    if (found && found.fingerprint === undefined && !changed) {
      found.fingerprint = fingerprint;
      return { c: found, fresh: false };
    }
    return { c: this.make(id, i, provider, account, fingerprint, since), fresh: true };
  }

  /** A counter seeded with the account's usage since `since` (0: every row of the id in the window). */
  private make(id: string, i: number, provider: string, account: string | undefined, fingerprint: string | undefined, since: number): QuotaCounter {
    const c = new QuotaCounter(this.rules[i], this.flight(provider, account), fingerprint);
    this.seed(c, provider, account, since);
    this.counters.set(id, c);
    return c;
  }

  private seed(c: QuotaCounter, provider: string, account: string | undefined, since: number): void {
    const t = this.now();
    const filter = { provider, ...(account === undefined ? {} : { account }), since: Math.max(since, c.windowStart(t)), status: 'ok' };
    if (c.rule.window.kind === 'calendar') {
      const sum = this.usage.totals(filter);
      c.add(t, t, sum.requests, sum.inputTokens, sum.outputTokens);
      return;
    }
    const rows = this.usage.recent(SEED_ROWS, filter);
    for (const r of rows) c.add(t, Math.min(r.ts, t), 1, r.inputTokens, r.outputTokens);
    if (rows.length === SEED_ROWS) {
      const oldest = rows[rows.length - 1].ts;
      const rest = this.usage.totals({ ...filter, until: oldest });
      c.add(t, oldest, rest.requests, rest.inputTokens, rest.outputTokens);
    }
  }

  /**
   * Lets one attempt on a provider account through, holding an in-flight request on each of its
   * counters until `settle(callId)`; returns the undo for an attempt that failed. Throws a
   * retryable GW_QUOTA_EXHAUSTED when a quota is used up, unless `last` (then it passes).
   */
  admit(callId: string, provider: string, account: string | undefined, fingerprint: string | undefined, last: boolean): (() => void) | undefined {
    const list = this.matching(provider, account).map((i) => this.counter(i, provider, account, fingerprint).c);
    if (list.length === 0) return undefined;
    const t = this.now();
    for (const c of list) {
      const metric = c.exhausted(t);
      if (metric && !last) throw exhausted(c, metric, provider, account, t);
    }
    // Every rule of this account reads the same cell: one hold per attempt.
    const cell = this.flight(provider, account);
    const pending = this.kept.pending;
    const held = pending.get(callId) ?? [];
    cell.n++;
    held.push(cell);
    pending.set(callId, held);
    return () => {
      const i = held.indexOf(cell);
      if (i < 0) return;
      cell.n--;
      held.splice(i, 1);
    };
  }

  /** The call ended: its in-flight requests are no longer held (once, whichever instance hears it first). */
  settle(callId: string): void {
    const held = this.kept.pending.get(callId);
    if (!held) return;
    this.kept.pending.delete(callId);
    for (const cell of held) cell.n--;
    held.length = 0;
  }

  /** Counts a completed request; answers the quotas it used up. */
  record(provider: string, account: string | undefined, inputTokens: number, outputTokens: number): Exhaustion[] {
    const t = this.now();
    const out: Exhaustion[] = [];
    for (const i of this.matching(provider, account)) {
      const { c, fresh } = this.counter(i, provider, account);
      // A counter made just now was seeded from the usage table, which already holds this request.
      if (fresh) continue;
      const was = c.exhausted(t);
      c.add(t, t, 1, inputTokens, outputTokens);
      const metric = c.exhausted(t);
      if (!was && metric) out.push({ provider, account, window: c.rule.describe, metric, resetsAt: c.resetsAt(t) });
    }
    return out;
  }

  /** Every rule for every account (`accountsOf` lists a provider's serving accounts: ids and fingerprints). */
  report(accountsOf: (provider: string) => ReadonlyArray<{ id: string; fingerprint?: string }>): QuotaLine[] {
    const t = this.now();
    return this.rules.flatMap((r, i) => {
      const all = accountsOf(r.provider);
      const accounts = r.account !== undefined ? [all.find((a) => a.id === r.account) ?? { id: r.account }] : all;
      if (accounts.length === 0) return [quotaLine(this.counter(i, r.provider, undefined).c, r.provider, undefined, t)];
      return accounts.map((a) => quotaLine(this.counter(i, r.provider, a.id, a.fingerprint).c, r.provider, a.id, t));
    });
  }
}

function exhausted(c: QuotaCounter, metric: string, provider: string, account: string | undefined, t: number): GatewayError {
  const reset = c.resetsAt(t);
  const who = account === undefined ? provider : `${provider} (account ${account})`;
  const when = reset === undefined ? '' : `; it resets in ${formatCountdown(reset - t)}`;
  return new GatewayError('GW_QUOTA_EXHAUSTED', `The ${c.rule.describe} quota of ${who} is used up (${metric})${when}.`, {
    status: 429, retryable: true, retryAfterMs: reset === undefined ? undefined : Math.max(0, reset - t),
  });
}
