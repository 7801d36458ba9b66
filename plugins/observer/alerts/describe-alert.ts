import { formatConfigError, type ConfigError } from '../../../core/config/load-config.ts';

/** One event as an alert: whether it deserves one, its throttle key and its text. */
export interface Alert {
  /** Same key = same alert for throttling (event, provider, account, state). */
  key: string;
  text: string;
}

type Data = Record<string, unknown>;
const str = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
const who = (e: Data) => [str(e.provider), str(e.account)].filter(Boolean).join(' / ') || 'gateway';
/**
 * Fields of an event that change from one occurrence to the next without making it another
 * alert: ids, free-text messages, durations and times, money. Left out of a listed event's
 * throttle key (they stay in its text).
 */
const VOLATILE_FIELD = /^(?:id|requestId|clientRequestId|message|error|reason|until|openUntil|level)$|(?:Ms|At|Usd)$/;
const when = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);

/**
 * Turns a bus event into an alert, or undefined when this occurrence is not worth one (a
 * breaker closing again, an account back to ready, a token refreshed). Unknown events (listed
 * in `events:` by name) get a generic text with their fields, and are throttled by the fields
 * that say what the event is about (provider, account, status, code…), not by its request id,
 * message, timings or amounts.
 */
export function describeAlert(type: string, e: Data): Alert | undefined {
  switch (type) {
    case 'cooldown:state-changed': {
      if (e.to === 'failed') return { key: `${type}|${who(e)}|failed`, text: `Account ${who(e)} failed and is out of rotation${e.reason ? `: ${str(e.reason)}` : ''}. Fix the key or its credit, then save the config.` };
      if (e.to === 'cooling') return { key: `${type}|${who(e)}|cooling`, text: `Account ${who(e)} is rate-limited and cooling down${when(e.until) ? ` until ${when(e.until)}` : ''}${e.reason ? ` (${str(e.reason)})` : ''}.` };
      return undefined;
    }
    case 'circuit-breaker:state-changed':
      if (e.to !== 'open') return undefined;
      return { key: `${type}|${who(e)}|open`, text: `Circuit breaker open for ${who(e)}: it kept failing and is skipped${when(e.openUntil) ? ` until ${when(e.openUntil)}` : ''}.` };
    case 'quota:exhausted':
      return { key: `${type}|${who(e)}|${str(e.window)}|${str(e.metric)}`, text: `Quota used up: ${who(e)} reached its ${str(e.window) ?? ''} ${str(e.metric) ?? ''} limit${when(e.resetsAt) ? `; resets ${when(e.resetsAt)}` : ''}.`.replace(/\s+/g, ' ') };
    case 'oauth:account-state-changed':
      if (e.state === 'ready' || e.state === 'active') return undefined;
      return { key: `${type}|${who(e)}|${str(e.state)}`, text: `Subscription account ${who(e)} is ${str(e.state)}${e.reason ? `: ${str(e.reason)}` : ''}. Log in again from the dashboard's Providers page.` };
    case 'budget:exceeded': {
      const money = (x: unknown) => (typeof x === 'number' ? `$${x.toFixed(2)}` : '?');
      const key = str(e.keyName) ? `"${str(e.keyName)}" (${str(e.keyId)})` : str(e.keyId);
      return {
        key: `${type}|${str(e.keyId)}|${str(e.period)}`,
        text: `The ${str(e.period)} budget of key ${key} (${money(e.budgetUsd)}) is spent (${money(e.spentUsd)}); its requests are refused${when(e.resetsAt) ? ` until ${when(e.resetsAt)}` : ''}.`,
      };
    }
    case 'config:rejected':
      return { key: `${type}|${str(e.message)}`, text: `Config change refused (the previous config keeps serving): ${formatConfigError(e as unknown as ConfigError)}` };
    case 'plugin:errored':
      return { key: `${type}|${str(e.name)}|${str(e.phase)}`, text: `Plugin ${str(e.name)} failed (${str(e.phase)}): ${str(e.error) ?? ''}`.trim() };
    default: {
      const fields = Object.entries(e).filter(([, v]) => str(v) !== undefined).map(([k, v]) => `${k}=${str(v)}`);
      const identity = Object.entries(e).filter(([k, v]) => str(v) !== undefined && !VOLATILE_FIELD.test(k)).map(([k, v]) => `${k}=${str(v)}`);
      return { key: `${type}|${identity.join('|')}`, text: `${type}${fields.length ? `: ${fields.join(', ')}` : ''}` };
    }
  }
}
