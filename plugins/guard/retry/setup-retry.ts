import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { decideRetry } from './decide-retry.ts';
import { RetryBudget } from './retry-budget.ts';
import type { RetryConfig } from './retry-config.ts';
import { sleepAbortable } from './sleep-abortable.ts';

/** Setup of the retry plugin: the `wrapCall` layer that retries the same target. */
export function setupRetry(ctx: PluginContext<RetryConfig>): void {
  const budget = new RetryBudget(ctx.config.budgetRatio, ctx.config.budgetMin);

  ctx.hook('wrapCall', async (next, attempt, call) => {
    budget.enter();
    let holding = false;
    try {
      for (let retries = 0; ; retries++) {
        try {
          return await next();
        } catch (e) {
          const err = toGatewayError(e);
          const d = decideRetry(err, ctx.config, {
            retries, now: Date.now(), deadline: call.deadline, aborted: call.signal.aborted || attempt.signal.aborted, random: Math.random(),
          });
          if (!d.retry) throw e;
          if (!holding) {
            if (!budget.tryAcquire()) throw e;
            holding = true;
          }
          ctx.emit('retry:scheduled', {
            id: call.id, provider: attempt.provider.name, ...(attempt.account ? { account: attempt.account.id } : {}),
            model: attempt.target.model, retry: retries + 1, delayMs: d.delayMs, code: String(err.code), status: err.upstream?.status ?? err.status,
          });
          await sleepAbortable(d.delayMs, attempt.signal).catch(() => {
            throw e;
          });
        }
      }
    } finally {
      budget.leave();
      if (holding) budget.release();
    }
  });
}
