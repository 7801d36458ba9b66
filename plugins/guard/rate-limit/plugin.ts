import type { Plugin } from '../../../core/plugin/types.ts';
import { RateLimitConfigSchema, type RateLimitConfig } from './rate-limit-config.ts';

/**
 * Rate limits. Client keys: RPM and TPM over a sliding minute, checked before routing; over the
 * limit → 429 with `Retry-After`. Provider accounts: RPM, minimum gap and max concurrency around
 * each upstream attempt; a limited target that has a fallback is skipped at once (retryable), the
 * last target queues up to `max_wait_ms` and then answers 429. Limits are read from the config
 * of each request's snapshot, so a reload changes them without resetting the windows.
 */
export default {
  name: 'rate-limit',
  kind: 'guard',
  apiVersion: 1,
  description: 'Per key RPM/TPM and per provider account RPM, gap and concurrency.',
  config: RateLimitConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupRateLimit } = await import('./setup-rate-limit.ts');
    setupRateLimit(ctx);
  },
} satisfies Plugin<RateLimitConfig>;
