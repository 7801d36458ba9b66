import { defaultReply } from '../helpers/mock-openai-replies.ts';
import type { MockOpenAIOptions } from '../helpers/mock-openai-upstream.ts';
import { ask, keysSeen, sleep, type Routing } from '../routing/routing-kit.ts';

/** A mock that answers after `ms`, so concurrent requests overlap upstream as real ones do. */
export function slowMock(ms: number): MockOpenAIOptions {
  return { respond: async (body) => (await sleep(ms), defaultReply(body)) };
}

/** Requests each mock received so far, by mock name. */
export function served(r: Routing): Record<string, number> {
  return Object.fromEntries(Object.entries(r.mocks).map(([name, m]) => [name, m.requests.length]));
}

/** What each mock received between two `served` readings. */
export function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

/**
 * Sends `n` chat requests for `model`, `concurrency` at a time, and returns how many each mock
 * received. Every answer must be 200 (a routing test that loses requests proves nothing).
 */
export async function spread(r: Routing, model: string, n: number, concurrency = 1): Promise<Record<string, number>> {
  const before = served(r);
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, k) => ask(r.t, model, `request ${i + k}`));
    const statuses = (await Promise.all(batch)).map((a) => a.status);
    if (statuses.some((s) => s !== 200)) throw new Error(`${model}: statuses ${statuses.join(',')}`);
  }
  await r.t.settled();
  return delta(before, served(r));
}

/** How often each bearer key reached mock `m` from request index `from` on. */
export function keyCounts(r: Routing, mock: string, from = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keysSeen(r.mocks[mock]).slice(from)) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/** Which mock served each of `n` sequential requests, in order. */
export async function servedOrder(r: Routing, model: string, n: number): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < n; i++) {
    const before = served(r);
    const a = await ask(r.t, model, `turn ${i}`);
    if (a.status !== 200) throw new Error(`${model}: HTTP ${a.status} ${JSON.stringify(a.body)}`);
    const d = delta(before, served(r));
    order.push(Object.keys(d).filter((k) => d[k] > 0).join('+'));
  }
  return order;
}
