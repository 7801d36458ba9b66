import { afterAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath, openDatabase } from '../core/db/open-database.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts the writer child, waits until it reported `minRows` committed, then SIGKILLs it. */
async function runAndKill(dir: string, minRows: number): Promise<number> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'db-kill9-child.ts'), dir], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let lastFlushed = 0;
  const deadline = Date.now() + 15_000;
  try {
    while (lastFlushed < minRows && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const all = [...text.matchAll(/flushed (\d+)\n/g)];
      if (all.length) lastFlushed = Number(all[all.length - 1]![1]);
    }
  } finally {
    child.kill('SIGKILL');
    await child.exited;
  }
  if (lastFlushed < minRows) throw new Error(`child never got far: ${await new Response(child.stderr).text()}`);
  expect(child.signalCode).toBe('SIGKILL');
  return lastFlushed;
}

describe('kill -9 durability', () => {
  test('a SIGKILLed writer leaves a sound file holding every committed batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-kill9-'));
    dirs.push(dir);
    let total = 0;
    for (const minRows of [6_000, 3_000]) {
      const before = total;
      const committed = await runAndKill(dir, minRows);
      // Raw handle first: recovery of the WAL left by the killed process, no migrations involved.
      const raw = new Database(databasePath(dir));
      try {
        expect(raw.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
        total = (raw.query('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n;
        // Every batch the child reported as committed is there; no batch is there in part
        // (rows arrive in bursts of 500, and a flush only ever commits whole bursts).
        expect(total - before).toBeGreaterThanOrEqual(committed);
        expect((total - before) % 500).toBe(0);
      } finally {
        raw.close();
      }
    }
    const reopened = openDatabase(dir);
    try {
      expect(reopened.sqlite.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      expect((reopened.sqlite.query('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n).toBe(total);
    } finally {
      reopened.close();
    }
  });
});
