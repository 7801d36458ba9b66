import type { QuotaWindow } from './oauth-types.ts';

/**
 * Events of the OAuth framework (declaration merging into the core event map). The quota and
 * routing plugins learn live windows from `quota:windows-updated`; the dashboard's live feed
 * shows connections and state changes. No payload ever carries a token.
 */
declare module '../bus/events.ts' {
  interface GatewayEvents {
    /** Live usage windows of a subscription account (from its usage endpoint or response headers). */
    'quota:windows-updated': { provider: string; account: string; windows: QuotaWindow[] };
    /** An account was connected (login or import) or connected again. */
    'oauth:account-connected': { provider: string; account: string; source: 'pkce' | 'device' | 'import' };
    /** An account changed state (`needs-reauth` after a refused refresh, `removed`). */
    'oauth:account-state-changed': { provider: string; account: string; state: string; reason?: string };
    /** An access token was refreshed. */
    'oauth:token-refreshed': { provider: string; account: string; expiresAt?: number };
  }
}

export {};
