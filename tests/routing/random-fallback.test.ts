/**
 * Fill-first fallback under random faults. A combo of three upstreams; each seed gives each
 * target a fault (or none) and sends one request, streamed or not. What must happen is the
 * commit rule of DESIGN.md, worked out per seed from the faults alone:
 * - a failure before the first content (5xx, 429, a first byte too late, a stream that breaks
 *   before its content, a broken JSON body) moves on to the next target, invisibly;
 * - a client error (400) is the answer: nothing more is tried;
 * - a stream that breaks after its content has reached the client ends with one error event and
 *   no `[DONE]`, its usage row `error_midstream`;
 * - every target up to the one that answered got exactly one request, the rest none; the usage
 *   row names that target and the number of attempts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type Fault, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { random } from '../helpers/json-fuzz.ts';

/** Seeds per run (`RF_SEEDS` for a longer hunt: 300 pass). */
const SEEDS = Number(process.env.RF_SEEDS ?? 40);
const FAULTS = ['ok', 'e500', 'e429', 'slow', 'breaks-early', 'breaks-late', 'e400'] as const;
type FaultName = (typeof FAULTS)[number];

/** The mock's script for a fault, streamed or not. */
function scriptOf(fault: FaultName, stream: boolean): Fault | undefined {
  switch (fault) {
    case 'ok': return undefined;
    case 'e500': return { status: 500 };
    case 'e429': return { status: 429, retryAfter: 1 };
    case 'e400': return { status: 400 };
    case 'slow': return { firstByteDelayMs: 1000 };
    // Streamed: the role chunk only, then the connection drops. Whole: a truncated JSON body.
    case 'breaks-early': return stream ? { dropAfterChunks: 1 } : { malformed: true };
    // Streamed: the role chunk and two content chunks, then the drop. Whole: nothing to break.
    case 'breaks-late': return stream ? { dropAfterChunks: 3 } : undefined;
  }
}

/** What the request must come to. */
interface Expected {
  /** Index of the target that answered (its fault decides), or -1 when every one failed. */
  answered: number;
  outcome: 'ok' | 'client-error' | 'midstream' | 'all-failed';
}

function expected(faults: FaultName[], stream: boolean): Expected {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i]!;
    if (f === 'ok' || (f === 'breaks-late' && !stream)) return { answered: i, outcome: 'ok' };
    if (f === 'e400') return { answered: i, outcome: 'client-error' };
    if (f === 'breaks-late') return { answered: i, outcome: 'midstream' };
  }
  return { answered: -1, outcome: 'all-failed' };
}

let mocks: MockOpenAI[];
let t: TestGateway | undefined;

beforeAll(async () => {
  mocks = await Promise.all([0, 1, 2].map(() => startMockOpenAI()));
});
afterAll(async () => {
  await t?.stop();
  await Promise.all((mocks ?? []).map((m) => m.stop()));
});

/** A gateway of its own per seed: a 429 rests its account for the Retry-After, which would reach into the next seed. */
async function freshGateway(): Promise<TestGateway> {
  await t?.stop();
  const names = ['a', 'b', 'c'];
  return (t = await startTestGateway([
    'timeouts: { first_byte_ms: 250 }',
    'providers:',
    ...mocks.map((m, i) => `  ${names[i]}: { type: openai, base_url: "${m.url}", keys: [ "sk-${names[i]}-0000001" ], allow_private_network: true }`),
    'combos:',
    '  chain: { models: [a/m, b/m, c/m] }',
    '',
  ].join('\n')));
}

describe('fill-first fallback under random faults', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed}`, async () => {
      const rnd = random(seed);
      const stream = rnd() < 0.5;
      const faults = [0, 1, 2].map(() => FAULTS[Math.floor(rnd() * FAULTS.length)]!);
      const want = expected(faults, stream);
      const before = mocks.map((m) => m.requests.length);
      const last = want.answered === -1 ? 2 : want.answered;
      // Only the targets that will be asked get their fault (a mock keeps an unused one for its
      // next request); one asked beyond them answers normally, and `tried` shows it.
      mocks.forEach((m, i) => i <= last && m.script([scriptOf(faults[i]!, stream) ?? {}]));
      const case_ = { faults, stream };

      const t = await freshGateway();
      const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'chain', stream, messages: [{ role: 'user', content: 'hello there' }] } });
      const text = await res.text();
      await t.settled();

      const tried = mocks.map((m, i) => m.requests.length - before[i]!);
      expect({ ...case_, tried }).toEqual({ ...case_, tried: [0, 1, 2].map((i) => (i <= last ? 1 : 0)) });

      const row = await waitForRow(t, res.headers.get('x-request-id')!);
      if (want.outcome === 'ok') {
        expect({ ...case_, status: res.status }).toEqual({ ...case_, status: 200 });
        if (stream) {
          expect(text).toContain('hello there'.split(' ')[0]!);
          expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
        } else {
          expect(JSON.parse(text).choices[0].message.content).toBe('hello there');
        }
        expect({ ...case_, row: pick(row) }).toEqual({ ...case_, row: { status: 'ok', provider: 'abc'[want.answered], attempts: want.answered + 1 } });
      } else if (want.outcome === 'midstream') {
        expect({ ...case_, status: res.status }).toEqual({ ...case_, status: 200 });
        expect(text).not.toContain('[DONE]');
        expect(text.match(/"error"/g)?.length).toBe(1);
        expect({ ...case_, row: pick(row) }).toEqual({ ...case_, row: { status: 'error_midstream', provider: 'abc'[want.answered], attempts: want.answered + 1 } });
      } else {
        expect({ ...case_, status: res.status }).toEqual({ ...case_, status: want.outcome === 'client-error' ? 400 : res.status });
        expect(res.status).toBeGreaterThanOrEqual(400);
        const body = JSON.parse(text) as { error: { message: string; type: string } };
        expect(typeof body.error.message).toBe('string');
        expect(row.status).toBe('error');
        expect(row.attempts).toBe(last + 1);
      }
    });
  }
});

function pick(row: Record<string, unknown>) {
  return { status: row.status, provider: row.provider, attempts: row.attempts };
}

async function waitForRow(t: TestGateway, requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const row = t.gw.usage.recent(20, {}).find((r) => r.requestId === requestId);
    if (row) return row as unknown as Record<string, unknown>;
    await Bun.sleep(10);
  }
  throw new Error(`no usage row for ${requestId}`);
}
