import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, ClientKeyInfo, GatewayRequest, HookPoints, PluginContext } from '../../../core/plugin/types.ts';
import type { UsageFilter } from '../../../core/db/usage-repo.ts';
import plugin, { BudgetConfigSchema } from './plugin.ts';

/** Sets the plugin up on a stub context; returns its beforeRequest hook and the filters it queried. */
async function setup(raw: unknown, spent: (f: UsageFilter) => number, now: number) {
  let hook: HookPoints['beforeRequest'] | undefined;
  const queries: UsageFilter[] = [];
  const events: Array<[string, unknown]> = [];
  const ctx = {
    emit: (type: string, e: unknown) => events.push([type, e]),
    name: 'budget', config: v.parse(BudgetConfigSchema, raw),
    host: { now: () => now, usage: { totals: (f: UsageFilter) => (queries.push(f), { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: spent(f) }) } },
    hook: (_p: string, fn: HookPoints['beforeRequest']) => (hook = fn),
  } as unknown as PluginContext<v.InferOutput<typeof BudgetConfigSchema>>;
  await plugin.setup(ctx);
  const run = async (key?: ClientKeyInfo) => {
    const call = { id: 'req_1', key, responseHeaders: new Headers() } as unknown as CallContext;
    const out = await Promise.resolve().then(() => hook!({} as GatewayRequest, call)).then(() => undefined, (e: unknown) => e);
    return { err: out, headers: call.responseHeaders };
  };
  return { run, queries, events };
}

const key = (limits?: ClientKeyInfo['limits']): ClientKeyInfo => ({ id: 'key_1', name: 'k', prefix: 'sy-x', limits });
const NOW = Date.parse('2025-06-15T12:00:00Z');

describe('budget hook', () => {
  test('no key or no budget: nothing is queried', async () => {
    const s = await setup({}, () => 100, NOW);
    expect((await s.run()).err).toBeUndefined();
    expect((await s.run(key())).err).toBeUndefined();
    expect(s.queries).toEqual([]);
  });

  test('spend is summed per key since the period start; a spent budget is 402 with the reset', async () => {
    const s = await setup({ reset_hour: 6, time_zone: 'UTC' }, (f) => (f.since === Date.parse('2025-06-15T06:00:00Z') ? 0.02 : 0.03), NOW);
    const { err } = await s.run(key({ dailyBudgetUsd: 0.02, monthlyBudgetUsd: 10 }));
    expect(isGatewayError(err) && [err.code, err.status, err.retryAfterMs]).toEqual(['GW_BUDGET_EXCEEDED', 402, 18 * 3_600_000]);
    expect(s.queries[0]).toEqual({ keyId: 'key_1', since: Date.parse('2025-06-15T06:00:00Z') });
    expect(s.events).toEqual([['budget:exceeded', {
      id: 'req_1', keyId: 'key_1', keyName: 'k', period: 'daily', budgetUsd: 0.02, spentUsd: 0.02, resetsAt: Date.parse('2025-06-16T06:00:00Z'),
    }]]);
    const ok = await s.run(key({ dailyBudgetUsd: 0.05, monthlyBudgetUsd: 10 }));
    expect(ok.err).toBeUndefined();
    expect(ok.headers.get('x-budget-daily-remaining-usd')).toBe('0.030000');
    expect(s.queries.at(-1)).toEqual({ keyId: 'key_1', since: Date.parse('2025-06-01T06:00:00Z') });
    expect(ok.headers.get('x-budget-monthly-remaining-usd')).toBe('9.970000');
  });

  test("plugin defaults apply; the key's own budget wins", async () => {
    const s = await setup({ monthly_usd: 1 }, () => 1, NOW);
    expect(isGatewayError((await s.run(key())).err)).toBe(true);
    expect((await s.run(key({ monthlyBudgetUsd: 2 }))).err).toBeUndefined();
  });
});
