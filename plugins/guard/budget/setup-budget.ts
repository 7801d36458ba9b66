import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { calendarPeriod, formatCountdown, type CalendarSpec } from '../../../core/util/time-windows.ts';
import type { BudgetConfig } from './plugin.ts';

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/**
 * Spend sums float costs (rounded to 1e-8 each): three requests of $0.70 add up to
 * $2.0999999999999996. A budget within this of being spent is spent.
 */
const EPSILON_USD = 1e-9;

type PeriodName = 'daily' | 'monthly';

/** Setup of the budget plugin: the `beforeRequest` hook that refuses keys whose budget is spent. */
export function setupBudget(ctx: PluginContext<BudgetConfig>): void {
  const periods: Array<{ name: PeriodName; spec: CalendarSpec; limit: (l: { dailyBudgetUsd?: number; monthlyBudgetUsd?: number } | undefined) => number | undefined }> = [
    { name: 'daily', spec: { period: 'daily', hour: ctx.config.reset_hour, timeZone: ctx.config.time_zone }, limit: (l) => l?.dailyBudgetUsd ?? ctx.config.daily_usd },
    { name: 'monthly', spec: { period: 'monthly', hour: ctx.config.reset_hour, timeZone: ctx.config.time_zone }, limit: (l) => l?.monthlyBudgetUsd ?? ctx.config.monthly_usd },
  ];

  ctx.hook('beforeRequest', (_req, call) => {
    const key = call.key;
    if (!key) return;
    const now = ctx.host.now();
    // The key works again only once every spent period has reset: the latest reset is the wait.
    let spentPeriod: { name: PeriodName; budget: number; spent: number; end: number } | undefined;
    for (const p of periods) {
      const budget = p.limit(key.limits);
      if (budget === undefined) continue;
      const { start, end } = calendarPeriod(now, p.spec);
      const spent = ctx.host.usage.totals({ keyId: key.id, since: start }).costUsd;
      call.responseHeaders.set(`x-budget-${p.name}-remaining-usd`, Math.max(0, budget - spent).toFixed(6));
      if (spent < budget - EPSILON_USD) continue;
      if (!spentPeriod || end > spentPeriod.end) spentPeriod = { name: p.name, budget, spent, end };
    }
    if (!spentPeriod) return;
    const { name, budget, spent, end } = spentPeriod;
    ctx.emit('budget:exceeded', {
      id: call.id, keyId: key.id, ...(key.name ? { keyName: key.name } : {}), period: name, budgetUsd: budget, spentUsd: spent, resetsAt: end,
    });
    throw new GatewayError('GW_BUDGET_EXCEEDED',
      `The ${name} budget of this API key (${usd(budget)}) is spent (${usd(spent)}). It resets in ${formatCountdown(end - now)}.`,
      { retryAfterMs: Math.max(0, end - now) });
  });
}
