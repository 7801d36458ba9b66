import { afterEach, describe, expect, test } from 'bun:test';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from './write-atomic.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `<tmp>/home/switchyard.yaml` -> `../dotfiles/switchyard.yaml` (mode 0640), like a dotfiles manager. */
function linked() {
  const dir = mkdtempSync(join(tmpdir(), 'sy-atomic-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'dotfiles'));
  const target = join(dir, 'dotfiles', 'switchyard.yaml');
  writeFileSync(target, 'a: 0\n');
  chmodSync(target, 0o640);
  const link = join(dir, 'home', 'switchyard.yaml');
  symlinkSync('../dotfiles/switchyard.yaml', link);
  return { dir, target, link };
}

describe('writeAtomic', () => {
  test('a symlinked file stays a link: the new text lands in its target, whose mode is kept', () => {
    const { dir, target, link } = linked();
    writeAtomic(link, 'a: 1\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('../dotfiles/switchyard.yaml');
    expect(readFileSync(target, 'utf8')).toBe('a: 1\n');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(link, 'utf8')).toBe('a: 1\n');
    expect([...new Bun.Glob('**/*.tmp').scanSync({ cwd: dir, dot: true })]).toEqual([]);
  });

  test('a forced mode applies to the target, and the link stays', () => {
    const { target, link } = linked();
    writeAtomic(link, 'key: x\n', 0o600);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  test('a dangling link gets its target created; a chain of links is followed to its end', () => {
    const { dir, link } = linked();
    const chained = join(dir, 'home', 'chained.yaml');
    symlinkSync(link, chained);
    writeAtomic(chained, 'a: 2\n');
    expect(lstatSync(chained).isSymbolicLink()).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'dotfiles', 'switchyard.yaml'), 'utf8')).toBe('a: 2\n');

    const dangling = join(dir, 'home', 'new.yaml');
    symlinkSync('../dotfiles/new.yaml', dangling);
    writeAtomic(dangling, 'a: 3\n');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'dotfiles', 'new.yaml'), 'utf8')).toBe('a: 3\n');
    expect(statSync(join(dir, 'dotfiles', 'new.yaml')).mode & 0o777).toBe(0o600);
  });

  test('links that loop are refused, and nothing is written', () => {
    const { dir } = linked();
    const a = join(dir, 'home', 'a.yaml');
    symlinkSync(join(dir, 'home', 'b.yaml'), a);
    symlinkSync(a, join(dir, 'home', 'b.yaml'));
    expect(() => writeAtomic(a, 'a: 1\n')).toThrow('too many levels of symbolic links');
    expect([...new Bun.Glob('**/*.tmp').scanSync({ cwd: dir, dot: true })]).toEqual([]);
  });

  test('a plain file keeps its mode; a new file is 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-atomic-'));
    dirs.push(dir);
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'a: 0\n');
    chmodSync(file, 0o644);
    writeAtomic(file, 'a: 1\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    writeAtomic(join(dir, 'fresh.yaml'), 'a: 1\n');
    expect(statSync(join(dir, 'fresh.yaml')).mode & 0o777).toBe(0o600);
  });
});
