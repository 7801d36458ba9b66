import { describe, expect, test } from 'bun:test';
import { HealthView } from './health-view.ts';

describe('HealthView', () => {
  let now = 1_000;
  const view = () => new HealthView(() => now);
  const t = { provider: 'p', model: 'm', account: 'key-1' };

  test('an announced state makes the target unhealthy; its end makes the view empty again (the plan cache serves again)', () => {
    const h = view();
    expect(h.isEmpty()).toBe(true);
    h.observe('circuit-breaker:state-changed', { provider: 'p', to: 'open', openUntil: now + 30_000 });
    h.observe('cooldown:state-changed', { provider: 'p', account: 'key-1', to: 'cooling', until: now + 5_000 });
    expect(h.isEmpty()).toBe(false);
    expect(h.healthy(t)).toBe(false);
    h.observe('circuit-breaker:state-changed', { provider: 'p', to: 'half-open' });
    h.observe('circuit-breaker:state-changed', { provider: 'p', to: 'closed' });
    expect(h.isEmpty()).toBe(false);
    expect(h.healthy(t)).toBe(false);
    h.observe('cooldown:state-changed', { provider: 'p', account: 'key-1', to: 'ready' });
    expect(h.healthy(t)).toBe(true);
    expect(h.isEmpty()).toBe(true);
  });

  test('a cooling account is healthy again once its time has passed, announced or not', () => {
    const h = view();
    h.observe('cooldown:state-changed', { provider: 'p', account: 'key-1', to: 'cooling', until: now + 5_000 });
    expect(h.healthy(t)).toBe(false);
    now += 5_000;
    expect(h.healthy(t)).toBe(true);
  });
});
