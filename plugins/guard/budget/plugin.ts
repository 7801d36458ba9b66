import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';
import { isValidTimeZone } from '../../../core/util/time-windows.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** A request was refused because its key's budget is spent (once per refused request). */
    'budget:exceeded': { id: string; keyId: string; keyName?: string; period: 'daily' | 'monthly'; budgetUsd: number; spentUsd: number; resetsAt: number };
  }
}

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
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupBudget } = await import('./setup-budget.ts');
    setupBudget(ctx);
  },
} satisfies Plugin<BudgetConfig>;
