import { loadPresets } from '../../../core/config/presets.ts';
import { tryResolveProviders } from '../../../core/config/resolve-providers.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { newQuotaFlights, QuotaBook } from './quota-book.ts';
import { toQuotaRules, type QuotaConfig } from './quota-config.ts';

/**
 * Setup of the quota plugin: the `wrapCall` admission, the usage counters and `GET /api/quota`.
 * In-flight holds are kept across reloads (the counters are rebuilt from usage).
 */
export function setupQuota(ctx: PluginContext<QuotaConfig>): void {
  const book = new QuotaBook(toQuotaRules(ctx.config), ctx.host.usage, () => ctx.host.now(), ctx.keep(newQuotaFlights));

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
}
