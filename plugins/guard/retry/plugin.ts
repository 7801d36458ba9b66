import type { Plugin } from '../../../core/plugin/types.ts';
import { RetryConfigSchema, type RetryConfig } from './retry-config.ts';

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
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupRetry } = await import('./setup-retry.ts');
    setupRetry(ctx);
  },
} satisfies Plugin<RetryConfig>;
