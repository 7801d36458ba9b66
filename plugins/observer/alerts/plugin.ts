import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

/** Events alerted by default: the ones that mean someone may soon stop getting answers. */
export const DEFAULT_ALERT_EVENTS = [
  'cooldown:state-changed', 'circuit-breaker:state-changed', 'quota:exhausted', 'oauth:account-state-changed',
  'budget:exceeded', 'config:rejected', 'plugin:errored',
] as const;

/** The `alerts:` entry of `plugins:`. */
export const AlertsConfigSchema = v.object({
  /** Where alerts are POSTed (a Slack or Discord incoming webhook, or any JSON endpoint). Use `${ENV}`. */
  url: v.pipe(v.string(), v.url()),
  /** `json` (default): `{event, at, text, data}`; `slack`: `{text}`; `discord`: `{content}`. */
  format: v.optional(v.picklist(['json', 'slack', 'discord']), 'json'),
  /** Bus events to alert on (default: account failures and cooldowns, open breakers, used-up quotas, OAuth accounts needing a login, spent key budgets, rejected configs, failing plugins). */
  events: v.optional(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'an event name such as quota:exhausted'))), [...DEFAULT_ALERT_EVENTS]),
  /** The same alert (event, provider, account, state) is sent at most once per this many ms; repeats are counted. */
  min_interval_ms: v.optional(v.pipe(v.number(), v.minValue(0)), 600_000),
  /** Sent with every POST. */
  headers: v.optional(v.record(v.string(), v.string()), {}),
  /** The receiver is on this machine or the LAN (loopback/private addresses are refused otherwise). */
  allow_private_network: v.optional(v.boolean(), false),
});

export type AlertsConfig = v.InferOutput<typeof AlertsConfigSchema>;

/**
 * Tells a person when the gateway is about to let them down: an account revoked or out of
 * credit, a provider's breaker open, a quota used up, a subscription login expired, a config
 * refused. POSTs a short message per event to a webhook (Slack, Discord or JSON), repeats
 * throttled, through the gateway's outbound client. Off unless listed under `plugins:`.
 */
export default {
  name: 'alerts',
  kind: 'observer',
  apiVersion: 1,
  description: 'Webhook alerts (Slack, Discord or JSON) when accounts fail or cool down, breakers open, quotas run out, logins expire.',
  config: AlertsConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupAlerts } = await import('./setup-alerts.ts');
    setupAlerts(ctx);
  },
} satisfies Plugin<AlertsConfig>;
