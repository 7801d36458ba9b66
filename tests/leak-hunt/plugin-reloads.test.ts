/**
 * A gateway that runs for weeks sees its drop-in plugins edited and its config reloaded many
 * times. Each reload replaces plugin instances; the replaced ones must be disposed (their
 * listeners, hooks, timers gone), no retired snapshot may stay behind, the memory of the old
 * instances must be freed, and the plugin bundle cache must not keep a file per edit.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let up: MockOpenAI;
let t: TestGateway;
const live = globalThis as { __stampLive?: number };

/** The config of generation `n`: every listed plugin's settings change with it (a new instance each). */
const yaml = (n = 0, stamp = '') => `
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
plugins:
  - rate-limit: { keys: { rpm: ${1_000_000 + n} } }
  - idempotency: { ttl_ms: ${5000 + n} }
  - response-cache: { ttl: ${60_000 + n} }
  - circuit-breaker: { failures: ${100 + n} }
  - cooldown: { base_ms: ${1000 + n} }
  - quota: {}
  - telemetry: { window_ms: ${60_000 + n} }
  - otel: { endpoint: "http://127.0.0.1:9", interval_ms: ${60_000 + n} }
${stamp}`;

/**
 * A drop-in whose instances count themselves, hold 1 MB each, and register a timer, a listener
 * and a hook: what a replaced instance leaves behind shows in the count, the heap or the bus.
 */
const stampCode = (version: number) => `
export default {
  name: 'stamp', kind: 'observer', apiVersion: 1,
  setup(ctx) {
    globalThis.__stampLive = (globalThis.__stampLive ?? 0) + 1;
    const ballast = new Float64Array(1 << 17).fill(${version});
    const timer = setInterval(() => ballast[0], 60_000);
    ctx.on('response:completed', () => ballast[1]);
    ctx.hook('beforeRequest', (_req, call) => { call.responseHeaders.set('x-stamp', String(ballast[0]) + ':' + (ctx.config.v ?? '')); });
    ctx.onDispose(() => { clearInterval(timer); globalThis.__stampLive--; });
  },
};`;

beforeAll(async () => {
  up = await startMockOpenAI();
  // No file watcher in the way: every reload here is asked for.
  t = await startTestGateway(yaml(), { watchDebounceMs: 3_600_000 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

const stampFile = () => join(t.dataDir, 'plugins', 'stamp.ts');
const stamp = async () => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } });
  await res.text();
  return res.headers.get('x-stamp');
};
/** Listeners on the bus, all event types together. */
const listeners = () => [...(t.gw.bus as unknown as { emitter: { all: Map<unknown, unknown[]> } }).emitter.all.values()].reduce((n, l) => n + l.length, 0);
const retiring = () => (t.gw.host as unknown as { retiring: Set<unknown> }).retiring.size;
const heapMb = () => {
  Bun.gc(true);
  return process.memoryUsage().heapUsed / (1024 * 1024);
};

test('a drop-in edited 200 times: one live instance, listeners and heap flat, one bundle cached', async () => {
  writeFileSync(stampFile(), stampCode(0));
  await t.gw.reload();
  expect(await stamp()).toBe('0:');
  const base = { listeners: listeners(), heap: heapMb() };
  for (let v = 1; v <= 200; v++) {
    writeFileSync(stampFile(), stampCode(v));
    await t.gw.reload();
    if (v % 25 === 0) expect(await stamp()).toBe(`${v}:`);
  }
  await t.settled();
  expect(live.__stampLive).toBe(1);
  expect(listeners()).toBe(base.listeners);
  expect(retiring()).toBe(0);
  // 200 instances held 200 MB; what an edit costs for good (the module Bun keeps) is far less.
  expect(heapMb() - base.heap).toBeLessThan(40);
  expect(readdirSync(join(t.dataDir, '.cache', 'plugins')).filter((f) => f.startsWith('stamp-'))).toHaveLength(1);
});

test('200 config reloads that change every plugin\'s settings: one live instance each, listeners and heap flat', async () => {
  const base = { listeners: listeners(), heap: heapMb() };
  for (let i = 1; i <= 200; i++) {
    await t.writeConfig(yaml(i, `  - stamp: { v: ${i} }`));
    if (i % 25 === 0) expect(await stamp()).toBe(`200:${i}`);
  }
  await t.settled();
  expect(live.__stampLive).toBe(1);
  expect(listeners()).toBe(base.listeners);
  expect(retiring()).toBe(0);
  expect(heapMb() - base.heap).toBeLessThan(40);
});
