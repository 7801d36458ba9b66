import type { Plugin } from '../../../core/plugin/types.ts';
import type { BreakerState } from './breaker-book.ts';
import { BreakerConfigSchema, type BreakerConfig } from './breaker-config.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** A provider's (no `account`) or an account's breaker changed state. `openUntil` is epoch ms (host clock). */
    'circuit-breaker:state-changed': {
      provider: string;
      account?: string;
      from: BreakerState;
      to: BreakerState;
      openUntil?: number;
    };
  }
}

/**
 * Circuit breakers per provider and per account, as a `wrapCall` layer. An open breaker makes
 * the attempt fail fast with a retryable 503 GW_UNAVAILABLE without calling the upstream, so
 * the pipeline falls back at once; the plan's last target is always called (its own error then
 * reaches the client). Only connect errors, timeouts, 408 and 5xx count as failures.
 */
export default {
  name: 'circuit-breaker',
  kind: 'guard',
  apiVersion: 1,
  description: 'Stops sending traffic to providers and accounts that keep failing; probes them back.',
  config: BreakerConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupCircuitBreaker } = await import('./setup-circuit-breaker.ts');
    setupCircuitBreaker(ctx);
  },
} satisfies Plugin<BreakerConfig>;
