/**
 * Bad input never reaches a 5xx on `POST /v1/responses/compact`: Codex-shaped compact bodies
 * for a Chat, an Anthropic and a Responses upstream (without the compaction endpoint, so the
 * gateway summarizes there) are mutated at random with a fixed seed (fields replaced by null,
 * numbers, empty or odd values, or removed). Every answer is a compaction or a client error in
 * OpenAI's error JSON. FUZZ_N and SEED vary it.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { compactBody, MODEL, startCompactGateway, type CompactGateway } from './compact-kit.ts';

let g: CompactGateway;
beforeAll(async () => {
  g = await startCompactGateway();
});
afterAll(async () => {
  await g?.stop();
});

let seed = Number(process.env.SEED ?? 7);
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const junk = () => pick<unknown>([null, 0, -1, 1.5, '', 'x', true, [], {}, [null], [{}], { type: 'x' }, { type: 'compaction' }, 'a'.repeat(50), [1, 2], { a: null }]);

function mutate(v: unknown, depth = 0): unknown {
  if (rnd() < 0.12 || depth > 6) return junk();
  if (Array.isArray(v)) {
    const a = v.map((x) => (rnd() < 0.25 ? mutate(x, depth + 1) : x));
    if (rnd() < 0.1) a.push(junk());
    return a;
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const k of Object.keys(o)) {
      if (rnd() < 0.25) o[k] = mutate(o[k], depth + 1);
      else if (rnd() < 0.05) delete o[k];
    }
    return o;
  }
  return rnd() < 0.5 ? v : junk();
}

test('mutated compact bodies get a compaction or a 4xx in OpenAI error JSON, never a 5xx', async () => {
  const bad: string[] = [];
  let compacted = 0;
  const n = Number(process.env.FUZZ_N ?? 300);
  for (let i = 0; i < n; i++) {
    const body = mutate(compactBody(pick([MODEL.anthropic, MODEL.chat, MODEL.bare])));
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: body });
    const json = (await res.json()) as { output?: unknown[]; error?: Record<string, unknown> };
    if (res.status === 200 && Array.isArray(json.output)) compacted++;
    else if (res.status < 400 || res.status >= 500 || typeof json.error?.message !== 'string' || !('param' in json.error)) {
      bad.push(`${res.status} ${JSON.stringify(json).slice(0, 160)} <- ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
  expect(bad.slice(0, 8)).toEqual([]);
  expect(compacted).toBeGreaterThan(n / 20);
}, 60_000);
