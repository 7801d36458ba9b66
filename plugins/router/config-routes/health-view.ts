import type { Target } from '../../../core/plugin/types.ts';
import { accountKey } from './route-stats.ts';

/** A half-open breaker or probing account older than this is assumed resolved (a lost event). */
const PROBE_STALE_MS = 60_000;

interface Seen {
  state: string;
  until?: number;
  since: number;
}

/** Payload of `circuit-breaker:state-changed` as the router reads it (it never imports the plugin). */
interface BreakerChange {
  provider: string;
  account?: string;
  to: string;
  openUntil?: number;
}

/** Payload of `cooldown:state-changed` as the router reads it. */
interface CooldownChange {
  provider: string;
  account?: string;
  to: string;
  until?: number;
}

/**
 * Health of providers and accounts as announced by the guard plugins' events
 * (`circuit-breaker:state-changed`, `cooldown:state-changed`). The router never excludes an
 * unhealthy target; it moves it behind the healthy ones, so guards skip less and the last target
 * is still tried. Without those plugins everything is healthy.
 */
export class HealthView {
  private readonly breakers = new Map<string, Seen>();
  private readonly cooldowns = new Map<string, Seen>();

  constructor(private readonly now: () => number) {}

  /** Feeds any bus event; unrelated ones are ignored. */
  observe(type: string, e: unknown): void {
    // A state back to healthy is forgotten, not kept: once every announced state has ended the
    // view is empty again, and the router's plan cache (used only while it is) serves again.
    if (type === 'circuit-breaker:state-changed') {
      const c = e as BreakerChange;
      const key = c.account === undefined ? c.provider : accountKey(c.provider, c.account);
      if (c.to === 'closed') this.breakers.delete(key);
      else this.breakers.set(key, { state: c.to, until: c.openUntil, since: this.now() });
    } else if (type === 'cooldown:state-changed') {
      const c = e as CooldownChange;
      const key = accountKey(c.provider, c.account);
      if (c.to === 'ready') this.cooldowns.delete(key);
      else this.cooldowns.set(key, { state: c.to, until: c.until, since: this.now() });
    } else if (type === 'plugin:disposed') {
      // A guard replaced by a reload keeps its state (what it announced still holds); a guard
      // that is gone has nobody to announce the end of what it announced, so that is forgotten.
      const d = e as { name?: string; serving?: boolean };
      if (d.serving) return;
      if (d.name === 'circuit-breaker') this.breakers.clear();
      if (d.name === 'cooldown') this.cooldowns.clear();
    }
  }

  /** True while no guard ever announced a state: every target is healthy, whatever the time. */
  isEmpty(): boolean {
    return this.breakers.size === 0 && this.cooldowns.size === 0;
  }

  /** False while the provider's or the account's breaker is open or probing, or the account cools or failed. */
  healthy(t: Target): boolean {
    const now = this.now();
    const akey = accountKey(t.provider, t.account);
    if (!breakerOk(this.breakers.get(t.provider), now)) return false;
    if (t.account !== undefined && !breakerOk(this.breakers.get(akey), now)) return false;
    return cooldownOk(this.cooldowns.get(akey), now);
  }
}

function breakerOk(s: Seen | undefined, now: number): boolean {
  if (!s) return true;
  if (s.state === 'open') return s.until === undefined ? now - s.since > PROBE_STALE_MS : now >= s.until;
  if (s.state === 'half-open') return now - s.since > PROBE_STALE_MS;
  return true;
}

function cooldownOk(s: Seen | undefined, now: number): boolean {
  if (!s) return true;
  if (s.state === 'failed') return false;
  if (s.state === 'cooling') return s.until === undefined ? now - s.since > PROBE_STALE_MS : now >= s.until;
  if (s.state === 'probing') return now - s.since > PROBE_STALE_MS;
  return true;
}
