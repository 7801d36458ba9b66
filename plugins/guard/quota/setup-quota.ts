import type { PluginContext } from '../../../core/plugin/types.ts';
import { newQuotaKept, QuotaBook } from './quota-book.ts';
import { toQuotaRules, type QuotaConfig } from './quota-config.ts';

/**
 * Setup of the quota plugin: the `wrapCall` admission, the usage counters and `GET /api/quota`.
 * In-flight holds are kept across reloads (the counters are rebuilt from usage).
 */
export function setupQuota(ctx: PluginContext<QuotaConfig>): void {
  const book = new QuotaBook(toQuotaRules(ctx.config), ctx.host.usage, () => ctx.host.now(), ctx.keep(newQuotaKept));

  ctx.hook('wrapCall', async (next, attempt, call) => {
    const undo = book.admit(call.id, attempt.provider.name, attempt.account?.id, attempt.account?.fingerprint, attempt.last);
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
  // An id that now names another account (a key removed from `keys:` moves the next one into
  // its place) counts that account's usage from the reload on, before its first attempt.
  ctx.on('config:reloaded', () => {
    for (const p of ctx.host.providers().values()) for (const a of p.accounts) {
      if (a.fingerprint !== undefined) book.reidentify(p.name, a.id, a.fingerprint);
    }
  });

  ctx.provide('api', {
    method: 'GET',
    path: '/api/quota',
    summary: 'Quotas per provider account: limits, used, remaining and a countdown to each reset.',
    handle() {
      const providers = ctx.host.providers();
      const accountsOf = (p: string) => providers.get(p)?.accounts ?? [];
      return Response.json({ now: new Date(ctx.host.now()).toISOString(), quotas: book.report(accountsOf) });
    },
  });
}
