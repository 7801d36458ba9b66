import { afterEach, describe, expect, test } from 'bun:test';
import { admin, ask, mockProvider, repeat, startRouting, type Routing } from '../routing/routing-kit.ts';

/**
 * A breaker under concurrency: outcomes of attempts admitted before the breaker changed state
 * (a slow reply that was already in flight when it opened) say nothing about the upstream now.
 */
interface BreakerInfo {
  provider: string;
  account: string | null;
  state: string;
  opens: number;
  consecutiveFailures: number;
}

let r: Routing | undefined;
afterEach(async () => {
  await r?.stop();
  r = undefined;
});

const yaml = `
providers:
${mockProvider('primary')}
${mockProvider('backup')}
combos:
  pb: { models: [primary/gpt-4o-mini, backup/gpt-4o-mini] }
plugins:
  - circuit-breaker: { failures: 2, baseOpenMs: 10000, jitter: 0 }
`;

async function primary(): Promise<BreakerInfo> {
  const { breakers } = await admin<{ breakers: BreakerInfo[] }>(r!.t, '/api/breakers');
  return breakers.find((b) => b.provider === 'primary' && b.account === null)!;
}

const toStates = () => r!.events.filter((x) => x.type === 'circuit-breaker:state-changed' && (x.e as { account?: string }).account === undefined)
  .map((x) => (x.e as { to: string }).to);

describe('circuit breaker: stale outcomes', () => {
  test('a slow success admitted before the breaker opened does not close it', async () => {
    r = await startRouting(['primary', 'backup'], yaml);
    // The first request is slow and succeeds; the next two fail fast and open the breaker meanwhile.
    r.mocks.primary.script([{ firstByteDelayMs: 700 }, ...repeat({ status: 503 }, 2)]);
    const slow = ask(r.t, 'pb', 'slow');
    await r.mocks.primary.waitFor(() => r!.mocks.primary.requests.length === 1);
    expect((await ask(r.t, 'pb', 'fail 1')).status).toBe(200);
    expect((await ask(r.t, 'pb', 'fail 2')).status).toBe(200);
    expect((await primary()).state).toBe('open');
    expect((await slow).status).toBe(200);
    await r.t.settled();
    // Still open: the slow reply started while the upstream was still closed.
    expect((await primary()).state).toBe('open');
    expect(toStates()).toEqual(['open']);
    const before = r.mocks.primary.requests.length;
    for (let i = 0; i < 5; i++) expect((await ask(r.t, 'pb', `after ${i}`)).status).toBe(200);
    expect(r.mocks.primary.requests.length).toBe(before);
  });

  test('a slow failure admitted before the breaker closed does not count against the closed breaker', async () => {
    r = await startRouting(['primary', 'backup'], yaml.replace('failures: 2', 'failures: 1'));
    // A slow failure starts while closed; meanwhile a fast failure opens the breaker, the open
    // time passes and a good probe closes it. The slow failure lands after that.
    r.mocks.primary.script([{ status: 503, firstByteDelayMs: 700 }, { status: 503 }]);
    const slow = ask(r.t, 'pb', 'slow');
    await r.mocks.primary.waitFor(() => r!.mocks.primary.requests.length === 1);
    expect((await ask(r.t, 'pb', 'fail')).status).toBe(200);
    expect((await primary()).state).toBe('open');
    r.clock.advance(10_000);
    expect((await ask(r.t, 'pb', 'probe')).status).toBe(200);
    expect((await primary()).state).toBe('closed');
    expect((await slow).status).toBe(200);
    await r.t.settled();
    expect((await primary()).state).toBe('closed');
    expect(toStates()).toEqual(['open', 'half-open', 'closed']);
  });
});
