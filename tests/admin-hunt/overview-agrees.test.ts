/**
 * The overview's traffic window and the usage rows count the same requests the same way. A
 * stream that breaks after the upstream produced tokens has a usage row with those tokens and
 * their cost (the provider bills them), and `request:failed` carries them; the overview added
 * zero tokens and zero cost for every failed request, so its tokens and cost fell short of the
 * usage totals for the same minutes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway(`providers:
  mock:
    type: mock
    models: [echo, fail-500, midstream-drop]
    pricing:
      echo: { input: 1000, output: 2000 }
      midstream-drop: { input: 1000, output: 2000 }
`);
});
afterAll(() => t.stop());

const send = (model: string, stream: boolean) =>
  t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content: 'one two three four five six seven' }] } }).then((r) => r.text());

describe('overview window and usage totals agree', () => {
  test('requests, errors, tokens and cost, broken streams included', async () => {
    const from = Date.now() - 1;
    for (const model of ['mock/echo', 'mock/fail-500', 'mock/midstream-drop']) {
      await send(model, false);
      await send(model, true);
    }
    await t.settled();
    const overview = (await (await t.admin('/api/overview')).json()).window as {
      requests: number; errors: number; tokens: { input: number; output: number }; costUsd: number;
    };
    const usage = (await (await t.admin(`/api/usage/timeseries?from=${from}`)).json()).totals as {
      requests: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number;
    };
    const broken = (await (await t.admin('/api/logs?status=error_midstream')).json()).items as Array<{ outputTokens: number; costUsd: number }>;
    expect(broken.length).toBe(1);
    expect(broken[0]!.outputTokens).toBeGreaterThan(0);
    expect(broken[0]!.costUsd).toBeGreaterThan(0);
    expect({ requests: overview.requests, errors: overview.errors, input: overview.tokens.input, output: overview.tokens.output, cost: overview.costUsd })
      .toEqual({ requests: usage.requests, errors: usage.errors, input: usage.inputTokens, output: usage.outputTokens, cost: usage.costUsd });
  });
});
