import { expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWithBackup } from './edit-config-files.ts';

test('two writes in the same second keep the user\'s original in the first backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-backup-'));
  try {
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'ORIGINAL-user-token');
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const first = writeWithBackup(file, 'first apply', now)!;
    const second = writeWithBackup(file, 'second apply', now + 300)!;
    expect(second).not.toBe(first);
    expect(readFileSync(first, 'utf8')).toBe('ORIGINAL-user-token');
    expect(readFileSync(second, 'utf8')).toBe('first apply');
    expect(readFileSync(file, 'utf8')).toBe('second apply');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
