import type { Plugin } from '../../../core/plugin/types.ts';
import type { AccountState } from './cooldown-book.ts';
import { CooldownConfigSchema, type CooldownConfig } from './cooldown-config.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** An account's cooldown state changed. `until` (epoch ms, host clock) is set while cooling. */
    'cooldown:state-changed': {
      provider: string;
      account?: string;
      from: AccountState;
      to: AccountState;
      until?: number;
      level: number;
      reason?: string;
    };
  }
}

/**
 * Credential cooldowns per account, as a `wrapCall` layer: 429 cools the account (Retry-After
 * and reset headers, else an escalating default), 401s in a row and terminal errors (no credit,
 * revoked) mark it failed. A cooling, probing or failed account makes the attempt fail fast with
 * a retryable 503 GW_UNAVAILABLE so the pipeline falls back at once — except for the plan's last
 * target, which is always called.
 */
export default {
  name: 'cooldown',
  kind: 'guard',
  apiVersion: 1,
  description: 'Cools down rate-limited accounts and parks revoked or out-of-credit ones.',
  config: CooldownConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupCooldown } = await import('./setup-cooldown.ts');
    setupCooldown(ctx);
  },
} satisfies Plugin<CooldownConfig>;
