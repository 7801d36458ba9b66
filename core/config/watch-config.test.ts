import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfig, watchFolder } from './watch-config.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves once `count()` reaches `n`, or after `ms` (the caller then asserts). */
async function waitFor(count: () => number, n: number, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (count() < n && Date.now() < until) await sleep(10);
}

describe('watchConfig', () => {
  test('sees an editor-style save (temp file + rename), repeatedly', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'server: {}\n');
    let calls = 0;
    const stop = watchConfig(file, () => calls++, { debounceMs: 40 });
    cleanups.push(stop);

    for (let i = 1; i <= 2; i++) {
      const tmp = join(dir, `.switchyard.yaml.${i}.tmp`);
      writeFileSync(tmp, `server: { port: ${1000 + i} }\n`);
      renameSync(tmp, file);
      await waitFor(() => calls, i);
      expect(calls).toBe(i);
      await sleep(80); // let the burst settle before the next save
    }
    expect(calls).toBe(2);
  });

  test('debounces a burst of writes into one call', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    let calls = 0;
    cleanups.push(watchConfig(file, () => calls++, { debounceMs: 120 }));
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file, `a: ${i}\n`);
      await sleep(15);
    }
    await waitFor(() => calls, 1);
    await sleep(300); // a second call would have arrived by now
    expect(calls).toBe(1);
  });

  test('ignores other files in the folder and stops after dispose', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    let calls = 0;
    const stop = watchConfig(file, () => calls++, { debounceMs: 30 });
    writeFileSync(join(dir, 'other.yaml'), 'x: 1\n');
    writeFileSync(join(dir, 'switchyard.yaml.bak'), 'x: 1\n');
    await sleep(200);
    expect(calls).toBe(0);
    writeFileSync(file, 'a: 1\n');
    stop(); // cancels the pending call too
    await sleep(200);
    expect(calls).toBe(0);
  });
});

describe('watchFolder', () => {
  test('passes the changed names that match the filter', async () => {
    const dir = tempDir();
    const seen: string[][] = [];
    cleanups.push(watchFolder(dir, (n) => n.endsWith('.ts'), (names) => seen.push(names.sort()), 50));
    writeFileSync(join(dir, 'a.ts'), 'export default 1');
    writeFileSync(join(dir, 'b.ts'), 'export default 2');
    writeFileSync(join(dir, 'notes.md'), '# no');
    await waitFor(() => seen.length, 1);
    await sleep(120);
    expect(seen).toEqual([['a.ts', 'b.ts']]);
  });

  test('throws at once for a missing folder', () => {
    expect(() => watchFolder(join(tmpdir(), 'sy-missing-folder-xyz'), () => true, () => {})).toThrow();
  });
});
