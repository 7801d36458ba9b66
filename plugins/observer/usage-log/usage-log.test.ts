import { expect, test } from 'bun:test';
import type { GatewayEvents } from '../../../core/bus/events.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import plugin from './plugin.ts';

/** The plugin's lines for the events given, as `level message` (with the fields of a failure). */
function linesFor(events: Array<[keyof GatewayEvents, unknown]>): string[] {
  const lines: string[] = [];
  const handlers = new Map<string, (e: unknown) => void>();
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const ctx = {
    config: { successLevel: 'info' },
    log: { info: at('info'), debug: at('debug'), warn: at('warn'), error: at('error') },
    on: (type: string, fn: (e: unknown) => void) => void handlers.set(type, fn),
  } as unknown as PluginContext<{ successLevel: 'info' | 'debug' }>;
  plugin.setup(ctx);
  for (const [type, e] of events) handlers.get(type)!(e);
  return lines;
}

test('one line per request: tokens with the cached input, an estimate marked, the cost; a billed failure shows its usage too', () => {
  const lines = linesFor([
    ['response:completed', {
      id: 'req_1', provider: 'up', model: 'gpt-4o', requestedModel: 'fast', latencyMs: 12.4, ttftMs: 3.2, cached: false, status: 'ok', keyId: 'k1',
      usage: { inputTokens: 1200, outputTokens: 30, cachedInputTokens: 1000 }, costUsd: 0.00123,
    }],
    ['response:completed', {
      id: 'req_2', provider: 'up', model: 'gpt-4o', requestedModel: 'up/gpt-4o', latencyMs: 5, cached: false, status: 'ok',
      usage: { inputTokens: 10, outputTokens: 4, estimated: true }, costUsd: 0,
    }],
    ['request:failed', {
      id: 'req_3', status: 502, code: 'GW_UPSTREAM_ERROR', message: 'broke', latencyMs: 40, provider: 'up', model: 'gpt-4o', requestedModel: 'up/gpt-4o',
      usageStatus: 'error_midstream', usage: { inputTokens: 50, outputTokens: 7, estimated: true }, costUsd: 0.0002,
    }],
    ['request:failed', { id: 'req_4', status: 401, code: 'GW_UNAUTHORIZED', message: 'no key', latencyMs: 1, usageStatus: 'rejected' }],
  ]);
  expect(lines).toEqual([
    'info req_1 200 fast -> up/gpt-4o 12ms in=1200 out=30 cached_in=1000 cost=$0.001230 ttft=3ms key=k1',
    'info req_2 200 up/gpt-4o -> up/gpt-4o 5ms in=10 out=4 estimated',
    'error req_3 502 up/gpt-4o -> up/gpt-4o 40ms GW_UPSTREAM_ERROR in=50 out=7 estimated cost=$0.000200 {"status":"error_midstream","message":"broke"}',
    'warn req_4 401 ? 1ms GW_UNAUTHORIZED {"status":"rejected","message":"no key"}',
  ]);
});
