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
 * Attempts in flight per provider account, and which calls hold them. One per gateway and plugin
 * name, shared by the instances a reload makes: requests still in flight when the settings change
 * keep counting against the new instance's request quotas.
 */
export interface QuotaFlights {
  /** `provider\0account` → attempts admitted and not finished. */
  cells: Map<string, { n: number }>;
  /** Call id → the cells its attempts hold until the call ends. */
  pending: Map<string, Array<{ n: number }>>;
}

/** A fresh, unshared set of in-flight counts. */
export function newQuotaFlights(): QuotaFlights {
  return { cells: new Map(), pending: new Map() };
}

/**
 * All quota counters of one plugin instance: one per rule and provider account, made when first
 * needed and seeded from the usage table (successful requests in the window), so a restart or
 * reload keeps the figures. In-flight requests are held in `flights`, which outlives the instance.
 */
export class QuotaBook {
  private readonly counters = new Map<string, QuotaCounter>();

  constructor(
    private readonly rules: QuotaRule[], private readonly usage: UsageQueries, private readonly now: () => number,
    private readonly flights: QuotaFlights = newQuotaFlights(),
  ) {}

  private flight(provider: string, account: string | undefined): { n: number } {
    const key = `${provider}\0${account ?? ''}`;
    let cell = this.flights.cells.get(key);
    if (!cell) this.flights.cells.set(key, (cell = { n: 0 }));
    return cell;
  }

  private matching(provider: string, account?: string): number[] {
    return this.rules.flatMap((r, i) => (r.provider === provider && (r.account === undefined || r.account === account) ? [i] : []));
  }

  private counter(i: number, provider: string, account: string | undefined): { c: QuotaCounter; fresh: boolean } {
    const id = `${i}\0${provider}\0${account ?? ''}`;
    const found = this.counters.get(id);
    if (found) return { c: found, fresh: false };
    const c = new QuotaCounter(this.rules[i], this.flight(provider, account));
    this.seed(c, provider, account);
    this.counters.set(id, c);
    return { c, fresh: true };
  }

  private seed(c: QuotaCounter, provider: string, account: string | undefined): void {
    const t = this.now();
    const filter = { provider, ...(account === undefined ? {} : { account }), since: c.windowStart(t), status: 'ok' };
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
  admit(callId: string, provider: string, account: string | undefined, last: boolean): (() => void) | undefined {
    const list = this.matching(provider, account).map((i) => this.counter(i, provider, account).c);
    if (list.length === 0) return undefined;
    const t = this.now();
    for (const c of list) {
      const metric = c.exhausted(t);
      if (metric && !last) throw exhausted(c, metric, provider, account, t);
    }
    // Every rule of this account reads the same cell: one hold per attempt.
    const cell = this.flight(provider, account);
    const pending = this.flights.pending;
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
    const held = this.flights.pending.get(callId);
    if (!held) return;
    this.flights.pending.delete(callId);
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

  /** Every rule for every account (`accountsOf` lists a provider's configured account ids). */
  report(accountsOf: (provider: string) => string[]): QuotaLine[] {
    const t = this.now();
    return this.rules.flatMap((r, i) => {
      const accounts: Array<string | undefined> = r.account !== undefined ? [r.account] : accountsOf(r.provider);
      return (accounts.length === 0 ? [undefined] : accounts).map((a) => quotaLine(this.counter(i, r.provider, a).c, r.provider, a, t));
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
