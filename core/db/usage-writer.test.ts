import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openMemoryDatabase, type OpenedDatabase } from './open-database.ts';
import type { UsageRow } from './usage-repo.ts';
import { createUsageWriter } from './usage-writer.ts';

const open: OpenedDatabase[] = [];
const dirs: string[] = [];
function memDb(): OpenedDatabase {
  const o = openMemoryDatabase();
  open.push(o);
  return o;
}
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let seq = 0;
function row(over: Partial<UsageRow> = {}): UsageRow {
  seq++;
  return {
    requestId: `req_${seq}`, ts: 1_700_000_000_000 + seq, keyId: 'key_a', dialect: 'openai-chat', operation: 'chat',
    modelRequested: 'fast', provider: 'groq', account: 'key-1', upstreamModel: 'llama-3.3-70b', status: 'ok',
    httpStatus: 200, errorCode: null, inputTokens: 10, outputTokens: 20, cachedTokens: 1, reasoningTokens: 2,
    estimated: false, costUsd: 0.001, latencyMs: 120, ttftMs: 40, attempts: 1, stream: true, cached: false, ...over,
  };
}
const stored = (o: OpenedDatabase) => (o.sqlite.query('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n;

describe('usage writer', () => {
  test('record queues; the timer writes within flushMs', async () => {
    const o = memDb();
    const w = createUsageWriter(o.sqlite, { flushMs: 30 });
    w.record(row());
    w.record(row());
    expect(stored(o)).toBe(0);
    expect(w.pendingCount()).toBe(2);
    await Bun.sleep(80);
    expect(stored(o)).toBe(2);
    expect(w.pendingCount()).toBe(0);
    w.close();
  });

  test('rows round-trip with every field, booleans and nulls intact', () => {
    const o = memDb();
    const w = createUsageWriter(o.sqlite);
    const a = row({ estimated: true, stream: false, cached: true, ttftMs: null, errorCode: 'GW_X', status: 'error_midstream' });
    const b = row({ keyId: null, provider: null, account: null, upstreamModel: null });
    w.record(a);
    w.record(b);
    w.flush();
    expect(stored(o)).toBe(2);
    expect(w.recent(10)).toEqual([b, a]);
    w.close();
  });

  test('recent and totals include rows not yet flushed, with filters', () => {
    const o = memDb();
    const w = createUsageWriter(o.sqlite, { flushMs: 10_000 });
    const r1 = row({ keyId: 'key_a', provider: 'groq', costUsd: 0.5 });
    const r2 = row({ keyId: 'key_b', provider: 'openai', modelRequested: 'gpt-x', upstreamModel: 'gpt-x-2025', costUsd: 0.25, status: 'error' });
    w.record(r1);
    w.record(r2);
    w.flush();
    const r3 = row({ keyId: 'key_a', provider: 'openai', inputTokens: 100, costUsd: 1 });
    w.record(r3);
    expect(w.pendingCount()).toBe(1);
    expect(w.recent(10).map((r) => r.requestId)).toEqual([r3.requestId, r2.requestId, r1.requestId]);
    expect(w.recent(2).map((r) => r.requestId)).toEqual([r3.requestId, r2.requestId]);
    expect(w.recent(10, { keyId: 'key_a' }).map((r) => r.requestId)).toEqual([r3.requestId, r1.requestId]);
    expect(w.recent(10, { provider: 'openai', status: 'error' })).toEqual([r2]);
    expect(w.recent(10, { model: 'gpt-x-2025' })).toEqual([r2]);
    expect(w.recent(10, { since: r2.ts, until: r3.ts }).map((r) => r.requestId)).toEqual([r2.requestId]);
    expect(w.recent(0)).toEqual([]);
    const all = w.totals();
    expect(all.requests).toBe(3);
    expect(all.inputTokens).toBe(120);
    expect(all.outputTokens).toBe(60);
    expect(all.costUsd).toBeCloseTo(1.75, 9);
    expect(w.totals({ keyId: 'key_a' })).toEqual({ requests: 2, inputTokens: 110, outputTokens: 40, costUsd: 1.5 });
    expect(w.totals({ keyId: 'nobody' })).toEqual({ requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    w.close();
    expect(stored(o)).toBe(3);
  });

  test('a long queue is written right after the current callback, not inside record; close flushes and later rows are written directly', async () => {
    const o = memDb();
    const w = createUsageWriter(o.sqlite, { flushMs: 10_000, maxBatch: 5 });
    for (let i = 0; i < 4; i++) w.record(row());
    expect(stored(o)).toBe(0);
    w.record(row());
    expect(stored(o)).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(stored(o)).toBe(5);
    w.record(row());
    w.close();
    expect(stored(o)).toBe(6);
    w.record(row());
    expect(stored(o)).toBe(7);
  });

  test('a failed flush keeps the rows and retries', async () => {
    const o = memDb();
    const errors: unknown[] = [];
    const w = createUsageWriter(o.sqlite, { flushMs: 20, onError: (e) => errors.push(e) });
    o.sqlite.exec("CREATE TRIGGER no_usage BEFORE INSERT ON usage BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    w.record(row());
    w.record(row());
    w.flush();
    expect(errors.length).toBe(1);
    expect(stored(o)).toBe(0);
    expect(w.pendingCount()).toBe(2);
    expect(w.totals().requests).toBe(2);
    o.sqlite.exec('DROP TRIGGER no_usage');
    await Bun.sleep(60);
    expect(stored(o)).toBe(2); // the whole batch, once (the failed transaction left nothing half-written)
    expect(w.pendingCount()).toBe(0);
    w.close();
  });

  test('while the database refuses writes, a long queue is retried on the timer, not in a loop per tick or per row', async () => {
    const o = memDb();
    const errors: unknown[] = [];
    const w = createUsageWriter(o.sqlite, { flushMs: 20, maxBatch: 5, onError: (e) => errors.push(e) });
    o.sqlite.exec("CREATE TRIGGER no_usage BEFORE INSERT ON usage BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    for (let i = 0; i < 5; i++) w.record(row());
    await Bun.sleep(100);
    for (let i = 0; i < 20; i++) w.record(row()); // requests go on during the outage
    await Bun.sleep(10);
    // About one attempt per flushMs (backing off), not one per event-loop turn or per request.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(6);
    expect(w.pendingCount()).toBe(25);
    o.sqlite.exec('DROP TRIGGER no_usage');
    await Bun.sleep(400);
    expect(stored(o)).toBe(25);
    expect(w.pendingCount()).toBe(0);
    w.close();
  });

  test('bodies are capped, redacted, and readable before and after the flush', () => {
    const o = memDb();
    const w = createUsageWriter(o.sqlite, { flushMs: 10_000, bodyMaxChars: 100, redact: (t) => t.replaceAll('hunter2-secret', '***') });
    w.recordBodies('req_body', { messages: [{ role: 'user', content: 'pw hunter2-secret' }] }, 'x'.repeat(500));
    const before = w.bodies('req_body');
    expect(before?.request).toContain('***');
    expect(before?.request).not.toContain('hunter2-secret');
    w.flush();
    const after = w.bodies('req_body');
    expect(after).toEqual(before);
    expect(after!.response!.startsWith('x'.repeat(100) + '…[truncated 400 chars]')).toBe(true);
    expect(w.bodies('missing')).toBeUndefined();
    w.close();
  });

  test('a secret that straddles the body cap is redacted, not cut in half and kept', () => {
    const o = memDb();
    const secret = 'gsk_live_0123456789abcdefghijklmnopqrstuv';
    const w = createUsageWriter(o.sqlite, { flushMs: 10_000, bodyMaxChars: 100, redact: (t) => t.replaceAll(secret, '***') });
    w.recordBodies('req_cut', 'x'.repeat(70) + secret + 'y'.repeat(50), null);
    const stored = w.bodies('req_cut')!.request!;
    expect(stored).not.toContain(secret.slice(0, 12));
    expect(stored.startsWith('x'.repeat(70) + '***')).toBe(true);
    expect(stored).toContain('…[truncated');
    w.close();
  });

  test('10k rows: record cost and flush time on a WAL file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-usage-'));
    dirs.push(dir);
    const o = openDatabase(dir);
    open.push(o);
    const w = createUsageWriter(o.sqlite, { flushMs: 10_000, maxBatch: 1_000_000 });
    const rows = Array.from({ length: 10_000 }, () => row());
    let t0 = performance.now();
    for (const r of rows) w.record(r);
    const recordMs = performance.now() - t0;
    t0 = performance.now();
    w.flush();
    const flushMs = performance.now() - t0;
    console.log(`10k usage rows: record() ${recordMs.toFixed(2)} ms total, one flush transaction ${flushMs.toFixed(1)} ms`);
    expect(stored(o)).toBe(10_000);
    expect(flushMs).toBeLessThan(2000);
    w.close();
  });
});
