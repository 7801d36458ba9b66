/**
 * `keys create --expires` and `usage --days` as a user types them: a number without a unit or a
 * date that is not on the calendar is refused (no key is made), a real date is the start of that
 * day in UTC, and a very long `--days` means "everything", not a crash.
 */
import { describe, expect, test } from 'bun:test';
import { runCli, sandbox, tempRoots } from './cli-hunt-kit.ts';

const newRoot = tempRoots();

async function keyCount(dataDir: string, cwd: string): Promise<number> {
  const r = await runCli(['keys', 'list', '--data-dir', dataDir], { cwd });
  return r.stdout.split('\n').filter((l) => l.startsWith('key_')).length;
}

describe('keys create --expires', () => {
  test('a bare number (30: days? seconds?) is refused; it made a key that expired 30 ms later', async () => {
    const box = sandbox(newRoot('exp-bare'));
    expect((await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd })).code).toBe(0);
    const r = await runCli(['keys', 'create', '--expires', '30', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--expires')]);
    expect(r.stdout).not.toMatch(/sy-/);
    expect(await keyCount(box.dataDir, box.cwd)).toBe(1);
  });

  test('a date that is not on the calendar (2099-02-30) is refused, not moved to March', async () => {
    const box = sandbox(newRoot('exp-date'));
    expect((await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd })).code).toBe(0);
    for (const date of ['2099-02-30', '2099-04-31', '2099-13-01']) {
      const r = await runCli(['keys', 'create', '--expires', date, '--data-dir', box.dataDir], { cwd: box.cwd });
      expect([date, r.code]).toEqual([date, 2]);
    }
    expect(await keyCount(box.dataDir, box.cwd)).toBe(1);
  });

  test('a real date and a duration with a unit are accepted', async () => {
    const box = sandbox(newRoot('exp-ok'));
    const dated = await runCli(['keys', 'create', '--expires', '2099-02-28', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect([dated.code, dated.stdout]).toEqual([0, expect.stringContaining('expires 2099-02-28T00:00:00.000Z')]);
    const days = await runCli(['keys', 'create', '--expires', '30d', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect(days.code).toBe(0);
  });
});

describe('usage --days', () => {
  test('a very long window reads everything instead of failing with "Invalid Date"', async () => {
    const box = sandbox(newRoot('usage-days'));
    expect((await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd })).code).toBe(0);
    const r = await runCli(['usage', '--days', '1e9', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('No requests.');
  });
});
