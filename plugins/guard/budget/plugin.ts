import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { calendarPeriod, formatCountdown, isValidTimeZone, type CalendarSpec } from '../../../core/util/time-windows.ts';

const Usd = v.pipe(v.number(), v.minValue(0));

/** The `budget:` entry of `plugins:`. */
export const BudgetConfigSchema = v.object({
  /** Daily budget in USD for client keys without their own `dailyBudgetUsd`. */
  daily_usd: v.optional(Usd),
  /** Monthly budget in USD for client keys without their own `monthlyBudgetUsd`. */
  monthly_usd: v.optional(Usd),
  /** Budget days start at this hour (0–23) in `time_zone`; months on day 1 at that hour. */
  reset_hour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23)), 0),
  time_zone: v.optional(v.pipe(v.string(), v.check(isValidTimeZone, 'unknown time zone')), 'UTC'),
});

export type BudgetConfig = v.InferOutput<typeof BudgetConfigSchema>;

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/**
 * Client key budgets. Before routing, the key's spend since the start of the day and of the
 * month (from the usage table, rows still in the write queue included) is compared with its
 * budget (`dailyBudgetUsd` / `monthlyBudgetUsd` on the key, else this plugin's defaults). A
 * key whose budget is spent gets 402 GW_BUDGET_EXCEEDED in its dialect, with `Retry-After` set
 * to the reset. Costs come from the pricing table; requests in flight are not yet counted, so
 * concurrent requests may overshoot by what they cost.
 */
export default {
  name: 'budget',
  kind: 'guard',
  apiVersion: 1,
  description: 'Daily and monthly USD budgets per client key.',
  config: BudgetConfigSchema,
  setup(ctx) {
    const periods: Array<{ name: 'daily' | 'monthly'; spec: CalendarSpec; limit: (l: { dailyBudgetUsd?: number; monthlyBudgetUsd?: number } | undefined) => number | undefined }> = [
      { name: 'daily', spec: { period: 'daily', hour: ctx.config.reset_hour, timeZone: ctx.config.time_zone }, limit: (l) => l?.dailyBudgetUsd ?? ctx.config.daily_usd },
      { name: 'monthly', spec: { period: 'monthly', hour: ctx.config.reset_hour, timeZone: ctx.config.time_zone }, limit: (l) => l?.monthlyBudgetUsd ?? ctx.config.monthly_usd },
    ];

    ctx.hook('beforeRequest', (_req, call) => {
      const key = call.key;
      if (!key) return;
      const now = ctx.host.now();
      for (const p of periods) {
        const budget = p.limit(key.limits);
        if (budget === undefined) continue;
        const { start, end } = calendarPeriod(now, p.spec);
        const spent = ctx.host.usage.totals({ keyId: key.id, since: start }).costUsd;
        call.responseHeaders.set(`x-budget-${p.name}-remaining-usd`, Math.max(0, budget - spent).toFixed(6));
        if (spent < budget) continue;
        throw new GatewayError('GW_BUDGET_EXCEEDED',
          `The ${p.name} budget of this API key (${usd(budget)}) is spent (${usd(spent)}). It resets in ${formatCountdown(end - now)}.`,
          { status: 402, retryAfterMs: Math.max(0, end - now) });
      }
    });
  },
} satisfies Plugin<BudgetConfig>;
