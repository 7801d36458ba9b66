import { expect, test } from 'bun:test';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

test('applying to a symlinked tool config writes through the link: the link stays, the backup holds the original', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-backup-'));
  try {
    mkdirSync(join(dir, 'dotfiles'));
    const target = join(dir, 'dotfiles', 'settings.json');
    writeFileSync(target, '{"mine":true}');
    const link = join(dir, 'settings.json');
    symlinkSync(target, link);
    const backup = writeWithBackup(link, '{"applied":true}', Date.UTC(2026, 0, 1))!;
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('{"applied":true}');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(backup, 'utf8')).toBe('{"mine":true}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

