import { afterEach, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { startGateway } from '../../core/server/start-gateway.ts';
import { calendarPeriod } from '../../core/util/time-windows.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/**
 * A clock that runs with real time plus an offset the test moves forward. The gateway's held
 * events are delivered before it moves, so plugins stamp what already happened with its time.
 */
function testClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      t?.gw.bus.flush();
      offset += ms;
    },
  };
}

const yaml = (rule: string) => `
providers:
  sub: { type: mock, accounts: [ { label: max-1 } ] }
  backup: { type: mock }
combos:
  ladder: { models: [sub/echo, backup/echo] }
plugins:
  - quota: { rules: [ ${rule} ] }
`;

interface QuotaLine { provider: string; account: string | null; exhausted: boolean; remaining: Record<string, number>; used: Record<string, number>; resetsInMs: number | null; resetsIn: string | null; window: string }

async function servedBy(t: TestGateway): Promise<string | null | undefined> {
  const r = await post(t, chat('ladder', 'quota check'));
  expect(r.status).toBe(200);
  await r.text();
  t.gw.usage.flush();
  return t.gw.usage.recent(1, { model: 'ladder' })[0]?.provider;
}

async function quotas(t: TestGateway): Promise<QuotaLine[]> {
  const r = await admin(t, '/api/quota');
  expect(r.status).toBe(200);
  return ((await r.json()) as { quotas: QuotaLine[] }).quotas;
}

describe('quota (real gateway, injectable clock)', () => {
  test('a 5 h rolling quota: exhausted → skipped → back after the reset', async () => {
    const clock = testClock();
    t = await startTestGateway(yaml('{ provider: sub, window: 5h, requests: 3 }'), { now: clock.now });
    expect([await servedBy(t), await servedBy(t), await servedBy(t)]).toEqual(['sub', 'sub', 'sub']);
    expect(await servedBy(t)).toBe('backup');
    const [line] = await quotas(t);
    expect(line).toMatchObject({ provider: 'sub', account: 'max-1', exhausted: true, remaining: { requests: 0 }, used: { requests: 3 }, window: 'rolling 5h' });
    expect(line.resetsInMs!).toBeGreaterThan(4.9 * 3_600_000);
    expect(line.resetsInMs!).toBeLessThanOrEqual(5 * 3_600_000 + 61_000);
    expect(line.resetsIn).toMatch(/^[45]h/);

    clock.advance(4 * 3_600_000);
    expect(await servedBy(t)).toBe('backup');
    clock.advance(3_600_000 + 61_000);
    expect(await servedBy(t)).toBe('sub');
    expect((await quotas(t))[0]).toMatchObject({ exhausted: false, used: { requests: 1 }, remaining: { requests: 2 } });
  });

  test('an exhausted account as the last target is still tried', async () => {
    t = await startTestGateway(yaml('{ provider: sub, window: 5h, requests: 1 }'));
    expect((await post(t, chat('sub/echo'))).status).toBe(200);
    expect((await post(t, chat('sub/echo'))).status).toBe(200);
    expect(await servedBy(t)).toBe('backup');
  });

  test('concurrent requests cannot overshoot a request quota', async () => {
    t = await startTestGateway(yaml('{ provider: sub, window: 1h, requests: 5 }'));
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => post(t!, chat('ladder', `c${i}`))));
    expect(res.every((r) => r.status === 200)).toBe(true);
    t.gw.usage.flush();
    const rows = t.gw.usage.recent(20, { model: 'ladder' });
    expect(rows.filter((r) => r.provider === 'sub').length).toBe(5);
  });

  test('a daily quota at an hour in a time zone resets at that hour; counters survive a restart', async () => {
    const clock = testClock();
    const spec = { period: 'daily' as const, hour: 4, timeZone: 'Asia/Tokyo' };
    // Put the clock 10 minutes before the next 04:00 Tokyo reset.
    clock.advance(calendarPeriod(Date.now(), spec).end - 10 * 60_000 - Date.now());
    const config = yaml('{ provider: sub, window: daily, reset_hour: 4, time_zone: Asia/Tokyo, output_tokens: 5 }');
    t = await startTestGateway(config, { now: clock.now });
    expect(await servedBy(t)).toBe('sub'); // "quota check" → 3 output tokens
    expect(await servedBy(t)).toBe('sub'); // 6 ≥ 5: used up
    expect(await servedBy(t)).toBe('backup');
    const [line] = await quotas(t);
    expect(line.window).toBe('daily at 04:00 Asia/Tokyo');
    expect(line.resetsInMs!).toBeGreaterThan(9 * 60_000);
    expect(line.resetsInMs!).toBeLessThanOrEqual(10 * 60_000);

    // Restart on the same data dir: the quota is rebuilt from the usage table.
    await t.gw.stop(1000);
    const gw = await startGateway({ dataDir: t.dataDir, configFile: t.gw.configFile, port: 0, host: '127.0.0.1', console: false, now: clock.now });
    const secret = gw.keys.createKey({ name: 'again' }).secret;
    const again: TestGateway = { ...t, gw, url: gw.url, fetch: (path, init = {}) => fetch(gw.url + path, { ...init, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(init.json) }), stop: async () => { await gw.stop(1000); rmSync(t!.dataDir, { recursive: true, force: true }); } };
    t = again;
    expect((await quotas(t))[0]).toMatchObject({ exhausted: true, used: { outputTokens: 6 } });
    expect(await servedBy(t)).toBe('backup');
    clock.advance(11 * 60_000);
    expect(await servedBy(t)).toBe('sub');
  });
});
