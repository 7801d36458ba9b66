import { loadPresets } from '../../../core/config/presets.ts';
import { tryResolveProviders } from '../../../core/config/resolve-providers.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { QuotaBook } from './quota-book.ts';
import { QuotaConfigSchema, toQuotaRules, type QuotaConfig } from './quota-config.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** A provider account used up one of its quotas; it is skipped until `resetsAt`. */
    'quota:exhausted': { provider: string; account?: string; window: string; metric: string; resetsAt?: number };
  }
}

/**
 * Provider account quotas: requests and input/output tokens per rolling window (`5h`) or
 * calendar period (daily at an hour in a time zone, weekly, monthly). Counters come from
 * `response:completed` and are rebuilt from the usage table when first needed, so a restart or
 * reload keeps them. An exhausted account is skipped with a fast retryable error (the next
 * target serves) until its reset, except as the plan's last target, whose answer passes through.
 * `GET /api/quota` lists what is left and when each quota resets.
 */
export default {
  name: 'quota',
  kind: 'guard',
  apiVersion: 1,
  description: 'Per provider account request/token quotas with rolling and calendar resets.',
  config: QuotaConfigSchema,
  setup(ctx) {
    const book = new QuotaBook(toQuotaRules(ctx.config), ctx.host.usage, () => ctx.host.now());

    ctx.hook('wrapCall', async (next, attempt, call) => {
      const undo = book.admit(call.id, attempt.provider.name, attempt.account?.id, attempt.last);
      if (!undo) return next();
      try {
        return await next();
      } catch (e) {
        undo();
        throw e;
      }
    });

    ctx.on('response:completed', (e) => {
      book.settle(e.id);
      if (e.cached || !e.provider) return;
      for (const x of book.record(e.provider, e.account, e.usage?.inputTokens ?? 0, e.usage?.outputTokens ?? 0)) ctx.emit('quota:exhausted', x);
    });
    ctx.on('request:failed', (e) => book.settle(e.id));

    ctx.provide('api', {
      method: 'GET',
      path: '/api/quota',
      summary: 'Quotas per provider account: limits, used, remaining and a countdown to each reset.',
      handle() {
        const resolved = tryResolveProviders(ctx.host.config(), loadPresets());
        const accountsOf = (p: string) => (resolved.ok ? resolved.providers.get(p)?.accounts.map((a) => a.id) ?? [] : []);
        return Response.json({ now: new Date(ctx.host.now()).toISOString(), quotas: book.report(accountsOf) });
      },
    });
  },
} satisfies Plugin<QuotaConfig>;
