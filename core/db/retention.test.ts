import { afterEach, describe, expect, test } from 'bun:test';
import { openMemoryDatabase, type OpenedDatabase } from './open-database.ts';
import { startRetention, type Retention } from './retention.ts';
import type { UsageRow } from './usage-repo.ts';
import { createUsageWriter } from './usage-writer.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const open: OpenedDatabase[] = [];
const jobs: Retention[] = [];
afterEach(() => {
  for (const j of jobs.splice(0)) j.stop();
  for (const o of open.splice(0)) o.close();
});

function setup(days: { usageDays: number; bodiesDays: number }, chunk?: number) {
  const o = openMemoryDatabase();
  open.push(o);
  const pruned: Array<{ usage: number; bodies: number }> = [];
  const job = startRetention(o.sqlite, { days: () => days, now: () => NOW, firstMs: 3_600_000, chunk, onPruned: (n) => void pruned.push(n) });
  jobs.push(job);
  return { sqlite: o.sqlite, job, pruned, writer: createUsageWriter(o.sqlite) };
}

let seq = 0;
function row(ts: number): UsageRow {
  return {
    requestId: `req_${++seq}`, ts, keyId: 'key_a', dialect: 'openai-chat', operation: 'chat', modelRequested: 'm', provider: 'p',
    account: null, upstreamModel: 'm', status: 'ok', httpStatus: 200, errorCode: null, inputTokens: 1, outputTokens: 1,
    cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0, latencyMs: 1, ttftMs: null, attempts: 1, stream: false, cached: false,
  };
}

const count = (s: OpenedDatabase['sqlite'], table: string, where = '1') =>
  (s.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;

function insertBodies(s: OpenedDatabase['sqlite'], ts: number, n: number): void {
  const ins = s.prepare('INSERT INTO request_bodies (request_id, ts, request, response) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < n; i++) ins.run(`body_${++seq}`, ts, '{}', '{}');
}

describe('retention', () => {
  test('deletes usage rows and bodies older than their days, keeps the rest', async () => {
    const { sqlite, job, pruned, writer } = setup({ usageDays: 40, bodiesDays: 7 });
    for (let i = 0; i < 5; i++) writer.record(row(NOW - 41 * DAY - i));
    for (let i = 0; i < 3; i++) writer.record(row(NOW - 39 * DAY));
    writer.flush();
    insertBodies(sqlite, NOW - 8 * DAY, 4);
    insertBodies(sqlite, NOW - 6 * DAY, 2);

    expect(await job.runNow()).toEqual({ usage: 5, bodies: 4 });
    expect(count(sqlite, 'usage')).toBe(3);
    expect(count(sqlite, 'usage', `ts < ${NOW - 40 * DAY}`)).toBe(0);
    expect(count(sqlite, 'request_bodies')).toBe(2);
    expect(pruned).toEqual([{ usage: 5, bodies: 4 }]);
    // Nothing left to delete: nothing reported.
    expect(await job.runNow()).toEqual({ usage: 0, bodies: 0 });
    expect(pruned).toHaveLength(1);
  });

  test('0 days keeps everything', async () => {
    const { sqlite, job, writer } = setup({ usageDays: 0, bodiesDays: 0 });
    writer.record(row(NOW - 3000 * DAY));
    writer.flush();
    insertBodies(sqlite, NOW - 3000 * DAY, 1);
    expect(await job.runNow()).toEqual({ usage: 0, bodies: 0 });
    expect(count(sqlite, 'usage')).toBe(1);
    expect(count(sqlite, 'request_bodies')).toBe(1);
  });

  test('a large backlog goes in chunks, with the event loop free in between', async () => {
    const { sqlite, job, writer } = setup({ usageDays: 35, bodiesDays: 0 }, 100);
    for (let i = 0; i < 1050; i++) writer.record(row(NOW - 36 * DAY));
    writer.flush();
    const ran = job.runNow();
    expect(job.runNow()).toBe(ran); // one run at a time
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    expect(await ran).toEqual({ usage: 1050, bodies: 0 });
    expect(count(sqlite, 'usage')).toBe(0);
    expect(otherWorkRan).toBe(true); // between the chunks, not after the run
  });

  test('stop ends a run between chunks', async () => {
    const { sqlite, job, writer } = setup({ usageDays: 35, bodiesDays: 0 }, 100);
    for (let i = 0; i < 500; i++) writer.record(row(NOW - 36 * DAY));
    writer.flush();
    const ran = job.runNow();
    job.stop();
    expect((await ran).usage).toBe(100);
    expect(count(sqlite, 'usage')).toBe(400);
  });

  test('runs by itself after firstMs, reading the days anew each time', async () => {
    const o = openMemoryDatabase();
    open.push(o);
    const writer = createUsageWriter(o.sqlite);
    writer.record(row(NOW - 50 * DAY));
    writer.flush();
    let days = { usageDays: 0, bodiesDays: 0 };
    const pruned: number[] = [];
    jobs.push(startRetention(o.sqlite, { days: () => days, now: () => NOW, firstMs: 5, everyMs: 10, onPruned: (n) => void pruned.push(n.usage) }));
    await Bun.sleep(30);
    expect(count(o.sqlite, 'usage')).toBe(1); // kept forever
    days = { usageDays: 40, bodiesDays: 0 };
    const until = Date.now() + 2000;
    while (pruned.length === 0 && Date.now() < until) await Bun.sleep(5);
    expect(pruned).toEqual([1]);
    expect(count(o.sqlite, 'usage')).toBe(0);
  });
});
