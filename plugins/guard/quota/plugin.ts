import type { Plugin } from '../../../core/plugin/types.ts';
import { QuotaConfigSchema, type QuotaConfig } from './quota-config.ts';

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
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupQuota } = await import('./setup-quota.ts');
    setupQuota(ctx);
  },
} satisfies Plugin<QuotaConfig>;
