import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { admin, ask, mockProvider, repeat, startRouting, type Routing } from './routing-kit.ts';

/**
 * A primary that always answers 503 behind a healthy backup: the breaker opens after exactly 5
 * failures, lets one probe through per open interval, closes on a good probe, and traffic
 * returns. The test clock drives the open intervals.
 */
interface BreakerInfo {
  provider: string;
  account: string | null;
  state: string;
  opens: number;
  retryInMs: number | null;
}

let r: Routing;
beforeAll(async () => {
  r = await startRouting(['primary', 'backup'], `
providers:
${mockProvider('primary')}
${mockProvider('backup')}
combos:
  pb: { models: [primary/gpt-4o-mini, backup/gpt-4o-mini] }
plugins:
  - circuit-breaker: { failures: 5, baseOpenMs: 1000, jitter: 0 }
`);
});
afterAll(() => r.stop());

async function primaryBreaker(): Promise<BreakerInfo | undefined> {
  const { breakers } = await admin<{ breakers: BreakerInfo[] }>(r.t, '/api/breakers');
  return breakers.find((b) => b.provider === 'primary' && b.account === null);
}

async function burst(n: number): Promise<number[]> {
  return (await Promise.all(Array.from({ length: n }, (_, i) => ask(r.t, 'pb', `burst ${i}`)))).map((a) => a.status);
}

const providerEvents = () =>
  r.events.filter((x) => x.type === 'circuit-breaker:state-changed' && (x.e as { account?: string }).account === undefined)
    .map((x) => (x.e as { to: string }).to);

describe('circuit breaker, primary always 503', () => {
  test('opens after exactly 5 failures; clients never see them', async () => {
    // Five failures, then a slow failing probe; afterwards the primary is healthy (slow, so the probe stays in flight).
    r.mocks.primary.script([...repeat({ status: 503 }, 5), { status: 503, firstByteDelayMs: 300 }, { firstByteDelayMs: 300 }]);
    for (let i = 1; i <= 5; i++) {
      expect((await ask(r.t, 'pb')).status).toBe(200);
      expect((await primaryBreaker())?.state).toBe(i < 5 ? 'closed' : 'open');
    }
    expect(r.mocks.primary.requests.length).toBe(5);
    expect(providerEvents()).toEqual(['open']);
  });

  test('while open the primary gets no traffic', async () => {
    for (let i = 0; i < 10; i++) expect((await ask(r.t, 'pb')).status).toBe(200);
    expect(r.mocks.primary.requests.length).toBe(5);
    expect(r.mocks.backup.requests.length).toBe(15);
  });

  test('after the open interval exactly one probe goes through; a bad probe reopens it for longer', async () => {
    r.clock.advance(1000);
    expect(await burst(20)).toEqual(Array(20).fill(200));
    expect(r.mocks.primary.requests.length).toBe(6);
    const b = await primaryBreaker();
    expect(b?.state).toBe('open');
    expect(b?.opens).toBe(2);
    expect(b?.retryInMs).toBeGreaterThan(1500);
    expect(providerEvents()).toEqual(['open', 'half-open', 'open']);
  });

  test('a good probe closes it, and traffic returns to the primary', async () => {
    const left = (await primaryBreaker())!.retryInMs!;
    r.clock.advance(left - 200);
    expect(await burst(5)).toEqual(Array(5).fill(200));
    expect(r.mocks.primary.requests.length).toBe(6);
    r.clock.advance(200);
    expect(await burst(20)).toEqual(Array(20).fill(200));
    expect(r.mocks.primary.requests.length).toBe(7);
    expect((await primaryBreaker())?.state).toBe('closed');
    expect(providerEvents()).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
    const backupBefore = r.mocks.backup.requests.length;
    for (let i = 0; i < 5; i++) expect((await ask(r.t, 'pb')).status).toBe(200);
    expect(r.mocks.primary.requests.length).toBe(12);
    expect(r.mocks.backup.requests.length).toBe(backupBefore);
  });
});
