import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { decideRetry } from './decide-retry.ts';
import { RetryBudget } from './retry-budget.ts';
import { RetryConfigSchema, type RetryConfig } from './retry-config.ts';
import { sleepAbortable } from './sleep-abortable.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** The same target will be tried again after `delayMs`. */
    'retry:scheduled': {
      id: string;
      provider: string;
      account?: string;
      model: string;
      retry: number;
      delayMs: number;
      code: string;
      status: number;
    };
  }
}

/**
 * Retries the same target (a `wrapCall` layer) for retryable upstream failures: full-jitter
 * exponential backoff, short Retry-After hints honoured, longer ones left to the fallback, a
 * retry budget, and never a sleep past the request deadline or after the client left. List it
 * before `circuit-breaker` and `cooldown` so every retry passes them again.
 */
export default {
  name: 'retry',
  kind: 'guard',
  apiVersion: 1,
  description: 'Retries the same target with backoff before falling back.',
  config: RetryConfigSchema,
  setup(ctx) {
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
  },
} satisfies Plugin<RetryConfig>;
