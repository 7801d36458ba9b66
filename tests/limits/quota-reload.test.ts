import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const yaml = (zone: string) => `
providers:
  sub: { type: mock }
  backup: { type: mock }
combos:
  ladder: { models: [sub/slow-150, backup/echo] }
plugins:
  - quota: { time_zone: ${zone}, rules: [ { provider: sub, window: 1h, requests: 2 } ] }
`;

/** The provider that served the last finished request of the combo. */
function lastProvider(t: TestGateway): string | null | undefined {
  t.gw.usage.flush();
  return t.gw.usage.recent(1, { model: 'ladder' })[0]?.provider;
}

describe('quota across a config reload', () => {
  test('requests in flight when the quota settings change still count against the request quota', async () => {
    t = await startTestGateway(yaml('UTC'));
    // Two slow requests take the whole quota of 2 while they are in flight.
    const inFlight = [post(t, chat('ladder', 'a', { stream: true })), post(t, chat('ladder', 'b', { stream: true }))];
    const heads = await Promise.all(inFlight);
    // A saved change to the plugin's settings replaces its instance mid-traffic.
    await t.writeConfig(yaml('Europe/Berlin'));
    const third = await post(t, chat('ladder', 'c'));
    expect(third.status).toBe(200);
    await third.text();
    expect(lastProvider(t)).toBe('backup');
    for (const h of heads) await h.text();
  });
});
